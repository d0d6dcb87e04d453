"""Tests of the depth plugin: contract, disparity math on real files, masking, resizing and bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from bindcore import ConfigError, InputError
from bindcore.config import validate
from bindcore.testing import check_modality, load_host

from bindcore_depth.config import DepthConfig
from bindcore_depth.preprocess import DepthPreprocessor

BF = 0.075 * 518.857  # baseline * focal of the defaults


def prep(**overrides) -> DepthPreprocessor:
    return DepthPreprocessor(DepthConfig(**overrides))


def test_contract():
    check_modality(load_host().modalities.get("depth"))


def test_defaults_follow_imagebind():
    cfg = DepthConfig()
    assert (cfg.image_size, cfg.patch_size, cfg.bias_kv, cfg.logit_scale) == (224, 16, True, 5.0)
    assert not cfg.logit_scale_learnable
    with pytest.raises(ConfigError):
        validate(DepthConfig, {"input": "inverse"})
    with pytest.raises(ConfigError):
        validate(DepthConfig, {"min_depth": 5.0, "max_depth": 1.0})


def test_png_millimetres_to_disparity(tmp_path):
    mm = np.full((224, 224), 2000, dtype=np.uint16)
    mm[:, :100] = 0  # invalid
    mm[:50, 150:] = 60000  # 60 m: clipped to max_depth
    mm[200:, 150:] = 5  # 5 mm: clipped to min_depth
    path = tmp_path / "depth.png"
    Image.fromarray(mm).save(path)
    assert Image.open(path).mode.startswith("I")
    x = prep(normalize=False, fill_value=-1.0)(str(path))
    assert x.shape == (1, 224, 224) and x.dtype == torch.float32
    assert torch.allclose(x[0, 100, 120], torch.tensor(BF / 2.0))
    assert torch.allclose(x[0, 10, 200], torch.tensor(BF / 50.0))
    assert torch.allclose(x[0, 210, 200], torch.tensor(BF / 0.01))
    assert (x[0, :, :100] == -1.0).all()


def test_normalised_values_and_fill(tmp_path):
    mm = np.full((224, 224), 1500, dtype=np.uint16)
    mm[:20] = 0
    path = tmp_path / "depth.png"
    Image.fromarray(mm).save(path)
    x = prep()(path)
    expected = (BF / 1.5 - 0.0418) / 0.0295
    assert torch.allclose(x[0, 100, 100], torch.tensor(expected), rtol=1e-5)
    assert (x[0, :20] == 0.0).all()


def test_npy_metres_with_nan_and_inf(tmp_path):
    metres = np.full((224, 224), 4.0, dtype=np.float32)
    metres[0, :] = np.nan
    metres[1, :] = np.inf
    metres[2, :] = -np.inf
    metres[3, :] = -1.0
    path = tmp_path / "depth.npy"
    np.save(path, metres)
    x = prep(normalize=False, fill_value=7.0)(path)
    assert torch.isfinite(x).all()
    assert (x[0, :4] == 7.0).all()
    assert torch.allclose(x[0, 4:], torch.tensor(BF / 4.0))


def test_npz_metres(tmp_path):
    metres = np.full((300, 400), 3.0)
    metres[::7, ::5] = np.nan
    path = tmp_path / "depth.npz"
    np.savez(path, depth=metres)
    x = prep(normalize=False, fill_value=-1.0)(path)
    assert x.shape == (1, 224, 224)
    values = x[x != -1.0]
    assert values.numel() > 0.9 * x.numel()
    assert torch.allclose(values, torch.tensor(BF / 3.0))


@pytest.mark.parametrize("resample", ["bilinear", "nearest"])
def test_resize_does_not_smear_invalid_pixels(resample):
    metres = np.full((448, 600), 1.0, dtype=np.float32)
    metres[:, :300] = 0.0  # left half invalid
    metres[100:110, 400:402] = np.nan  # a small hole
    x = prep(normalize=False, fill_value=-5.0, resample=resample)(metres)
    valid = x != -5.0
    assert valid.any() and (~valid).any()
    assert torch.allclose(x[valid], torch.tensor(BF))  # no mix with the zeros or NaNs


def test_arrays_and_tensors():
    ref = prep(normalize=False)(np.full((30, 40), 2.0, dtype=np.float32))
    assert torch.allclose(ref, torch.tensor(BF / 2.0))
    assert torch.equal(prep(normalize=False)(torch.full((1, 30, 40), 2.0)), ref)
    assert torch.equal(prep(normalize=False)(np.full((30, 40, 1), 2.0)), ref)
    assert torch.allclose(prep(normalize=False)(np.full((30, 40), 2000, dtype=np.uint16)), ref)
    assert torch.allclose(prep(normalize=False)(Image.fromarray(np.full((30, 40), 2000, dtype=np.uint16))), ref)


def test_float_tiff_is_metres(tmp_path):
    path = tmp_path / "depth.tif"
    Image.fromarray(np.full((60, 80), 2.0, dtype=np.float32)).save(path)
    assert Image.open(path).mode == "F"
    assert torch.allclose(prep(normalize=False)(path), torch.tensor(BF / 2.0))


def test_disparity_input_passes_through():
    disparity = np.linspace(1.0, 50.0, 224 * 224, dtype=np.float32).reshape(224, 224)
    disparity[0, 0] = 0.0
    x = prep(input="disparity", normalize=False, fill_value=-1.0)(disparity)
    assert x[0, 0, 0] == -1.0
    assert torch.allclose(x[0].flatten()[1:], torch.from_numpy(disparity).flatten()[1:])


def test_8bit_png_is_disparity_only(tmp_path):
    path = tmp_path / "vis.png"
    Image.fromarray(np.full((32, 32), 100, dtype=np.uint8)).save(path)
    with pytest.raises(InputError, match="8-bit"):
        prep()(path)
    x = prep(input="disparity", png_scale=1.0, normalize=False)(path)
    assert torch.allclose(x, torch.tensor(100.0))


@pytest.mark.parametrize("raw, match", [
    (np.zeros((0, 5), dtype=np.float32), "empty"),
    (np.ones((20, 20, 3), dtype=np.float32), "shape"),
    (np.ones((2, 20, 20), dtype=np.float32), "shape"),
    (np.ones(20, dtype=np.float32), "shape"),
    (np.zeros((20, 20), dtype=np.float32), "no valid pixel"),
    (np.full((20, 20), np.nan), "no valid pixel"),
    (np.ones((20, 20), dtype=bool), "numeric"),
    (12.5, "unsupported depth input type"),
])
def test_bad_arrays(raw, match):
    with pytest.raises(InputError, match=match):
        prep()(raw)


def test_bad_files(tmp_path):
    corrupt = tmp_path / "broken.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    rgb = tmp_path / "colour.png"
    Image.fromarray(np.zeros((8, 8, 3), dtype=np.uint8)).save(rgb)
    bad_npy = tmp_path / "broken.npy"
    bad_npy.write_bytes(b"garbage")
    other = tmp_path / "depth.jpg"
    other.write_bytes(b"whatever")
    with pytest.raises(InputError, match="not a readable image|cannot decode"):
        prep()(corrupt)
    with pytest.raises(InputError, match="single-channel"):
        prep()(rgb)
    with pytest.raises(InputError, match="cannot read"):
        prep()(bad_npy)
    with pytest.raises(InputError, match="unsupported depth file type '.jpg'"):
        prep()(other)
    with pytest.raises(InputError, match="not found"):
        prep()(tmp_path / "missing.png")


def test_modality_preprocess_names_the_item(tmp_path):
    from bindcore.model import Modality
    from bindcore.testing import small_config

    spec = load_host().modalities.get("depth")
    modality = Modality("depth", spec, small_config(spec), 16)
    with pytest.raises(InputError, match="missing.npy: file not found"):
        modality.preprocess([str(tmp_path / "missing.npy")])
    batch = modality.preprocess([np.full((50, 70), 2.5), np.full((224, 224), 2500, dtype=np.uint16)])
    assert batch.shape == (2, 1, 224, 224)


def test_middlebury_disparity():
    skimage = pytest.importorskip("skimage")
    left, _right, disparity = skimage.data.stereo_motorcycle()
    assert np.isinf(disparity).any()
    x = prep(input="disparity", normalize=False, fill_value=-1.0)(disparity)
    assert x.shape == (1, 224, 224) and torch.isfinite(x).all()
    valid = x[x != -1.0]
    finite = disparity[np.isfinite(disparity) & (disparity > 0)]
    assert valid.numel() > 0.5 * x.numel()
    assert valid.min() >= finite.min() - 1e-3 and valid.max() <= finite.max() + 1e-3
