"""The bindcore modality contract for the IMU plugin."""

from bindcore.testing import check_modality, load_host


def test_contract():
    check_modality(load_host().modalities.get("imu"))


def test_stem_layout_matches_imagebind():
    from bindcore_imu.config import ImuConfig
    from bindcore_imu.encoder import build_stem

    stem = build_stem(ImuConfig(width=32, heads=2))
    assert stem.patchify.proj.weight.shape == (32, 6 * 8)
    assert stem.pos_embed.shape == (1, 1 + 2000 // 8, 32)  # CLS + 250 windows
    assert stem.norm.eps == 1e-5
