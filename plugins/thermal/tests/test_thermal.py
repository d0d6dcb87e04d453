"""Tests of the thermal plugin: contract, bit-depth scaling on real files, colour to luminance and bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from bindcore import ConfigError, InputError
from bindcore.config import validate
from bindcore.testing import check_modality, load_host

from bindcore_thermal.config import ThermalConfig
from bindcore_thermal.preprocess import ThermalPreprocessor


def prep(**overrides) -> ThermalPreprocessor:
    return ThermalPreprocessor(ThermalConfig(**overrides))


def test_contract():
    check_modality(load_host().modalities.get("thermal"))


def test_defaults_follow_imagebind():
    cfg = ThermalConfig()
    assert (cfg.image_size, cfg.patch_size, cfg.resample, cfg.normalize) == (224, 16, "bicubic", False)
    assert (cfg.bias_kv, cfg.logit_scale, cfg.logit_scale_learnable) == (True, 10.0, False)
    with pytest.raises(ConfigError, match="mean and std"):
        validate(ThermalConfig, {"normalize": True})
    with pytest.raises(ConfigError):
        validate(ThermalConfig, {"resample": "lanczos"})


def test_8bit_png(tmp_path):
    path = tmp_path / "ir.png"
    Image.fromarray(np.full((120, 160), 128, dtype=np.uint8)).save(path)
    x = prep()(path)
    assert x.shape == (1, 224, 224) and x.dtype == torch.float32
    assert torch.allclose(x, torch.tensor(128 / 255), atol=1e-6)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16bit_files(tmp_path, suffix):
    raw = np.full((240, 320), 30000, dtype=np.uint16)
    path = tmp_path / f"ir{suffix}"
    Image.fromarray(raw).save(path)
    x = prep()(path)
    assert x.shape == (1, 224, 224)
    assert torch.allclose(x, torch.tensor(30000 / 65535), atol=1e-6)


def test_16bit_keeps_precision():
    ramp = np.tile(np.arange(224, dtype=np.uint16) + 1000, (224, 1))  # steps of 1/65535, lost in 8 bits
    x = prep()(ramp)
    assert torch.allclose(x[0], torch.from_numpy(ramp / 65535.0).float(), atol=1e-6)


def test_rgb_jpeg_becomes_luminance(tmp_path):
    path = tmp_path / "ir.jpg"
    Image.fromarray(np.full((64, 96, 3), (200, 100, 50), dtype=np.uint8)).save(path, quality=95)
    x = prep()(path)
    expected = (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255
    assert x.shape == (1, 224, 224)
    assert torch.allclose(x, torch.tensor(expected), atol=3 / 255)


def test_rgba_png_drops_alpha(tmp_path):
    path = tmp_path / "ir.png"
    Image.fromarray(np.full((50, 50, 4), (90, 90, 90, 10), dtype=np.uint8)).save(path)
    assert torch.allclose(prep()(path), torch.tensor(90 / 255), atol=1e-6)


def test_arrays_and_tensors():
    ref = prep()(np.full((30, 40), 0.25, dtype=np.float32))
    assert torch.allclose(ref, torch.tensor(0.25))
    assert torch.equal(prep()(torch.full((1, 30, 40), 0.25)), ref)
    assert torch.equal(prep()(np.full((30, 40, 1), 0.25)), ref)
    assert torch.allclose(prep()(np.full((30, 40), 51, dtype=np.uint8)), torch.tensor(0.2))
    assert torch.allclose(prep()(torch.full((30, 40), 13107, dtype=torch.uint16)), torch.tensor(0.2))
    assert torch.allclose(prep()(np.full((3, 30, 40), 0.5)), torch.tensor(0.5))  # channels-first colour


def test_bicubic_overshoot_is_clipped():
    checker = (np.indices((20, 20)).sum(0) % 2).astype(np.float32)  # (20, 20) of 0 and 1
    x = prep()(checker)
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_normalize():
    x = prep(normalize=True, mean=0.5, std=0.25)(np.full((30, 40), 0.75))
    assert torch.allclose(x, torch.tensor(1.0))


@pytest.mark.parametrize("raw, match", [
    (np.zeros((0, 5), dtype=np.uint8), "empty"),
    (np.zeros((20, 20, 2), dtype=np.uint8), "shape"),
    (np.zeros((2, 3, 20, 20), dtype=np.uint8), "shape"),
    (np.full((20, 20), 1.5), r"\[0, 1\]"),
    (np.full((20, 20), -0.1), r"\[0, 1\]"),
    (np.full((20, 20), np.nan), "NaN"),
    (np.zeros((20, 20), dtype=np.int64), "dtype"),
    (np.zeros((20, 20), dtype=bool), "dtype"),
    ("not a path.txt", "unsupported thermal file type"),
    (3, "unsupported thermal input type"),
])
def test_bad_inputs(raw, match):
    with pytest.raises(InputError, match=match):
        prep()(raw)


def test_bad_files(tmp_path):
    corrupt = tmp_path / "broken.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(InputError, match="not a readable image|cannot decode"):
        prep()(corrupt)
    with pytest.raises(InputError, match="not found"):
        prep()(tmp_path / "missing.jpg")


def test_modality_preprocess_names_the_item(tmp_path):
    from bindcore.model import Modality
    from bindcore.testing import small_config

    spec = load_host().modalities.get("thermal")
    modality = Modality("thermal", spec, small_config(spec), 16)
    corrupt = tmp_path / "broken.jpg"
    corrupt.write_bytes(b"nope")
    with pytest.raises(InputError, match="broken.jpg: "):
        modality.preprocess([str(corrupt)])
    assert modality.preprocess([np.zeros((10, 30), np.uint8), np.ones((300, 200), np.uint16)]).shape == (2, 1, 224, 224)
