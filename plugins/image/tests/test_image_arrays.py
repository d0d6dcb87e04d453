"""In-memory inputs: PIL images in any mode, numpy arrays in each layout and type, torch tensors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, (48, 64, 3), dtype=np.uint8)  # (H, W, 3)
GREY = RNG.integers(0, 256, (48, 64), dtype=np.uint8)  # (H, W)


def test_uint8_hwc_equals_pil(pre):
    x = pre(RGB)
    assert x.shape == (3, 224, 224) and x.dtype == torch.float32
    assert torch.equal(x, pre(Image.fromarray(RGB)))


def test_layouts_agree(pre):
    ref = pre(RGB)
    assert torch.equal(pre(np.ascontiguousarray(RGB.transpose(2, 0, 1))), ref)  # (3, H, W)
    assert torch.equal(pre(RGB.transpose(2, 0, 1)), ref)  # a non-contiguous view
    assert torch.equal(pre(torch.from_numpy(RGB).permute(2, 0, 1)), ref)  # uint8 (3, H, W), as torchvision reads
    assert torch.equal(pre(np.dstack([RGB, np.full((48, 64), 255, np.uint8)])), ref)  # (H, W, 4): alpha dropped


def test_greyscale_layouts(pre):
    ref = pre(Image.fromarray(GREY))
    assert torch.equal(pre(GREY), ref)
    assert torch.equal(pre(GREY[None]), ref)  # (1, H, W)
    assert torch.equal(pre(GREY[..., None]), ref)  # (H, W, 1)
    assert torch.equal(pre(np.stack([GREY] * 3, -1)), ref)


def test_floats_in_unit_range_equal_uint8(pre):
    ref = pre(RGB)
    unit = RGB.astype(np.float32) / 255
    assert torch.equal(pre(unit), ref)
    assert torch.equal(pre(unit.astype(np.float64)), ref)
    assert torch.equal(pre(torch.from_numpy(unit).permute(2, 0, 1)), ref)  # float (3, H, W) tensor


def test_other_sample_types(pre, normalised):
    white = normalised((255, 255, 255))
    assert torch.allclose(pre(np.ones((40, 40), bool)), white, atol=1e-6)
    assert torch.allclose(pre(torch.ones(3, 40, 40, dtype=torch.bfloat16)), white, atol=1e-6)
    assert torch.allclose(pre(np.ones((40, 40, 3), np.float16)), white, atol=1e-6)
    assert torch.equal(pre(RGB.astype(np.int64)), pre(RGB))  # integers within 0..255 are 8-bit values
    assert torch.equal(pre(torch.from_numpy(RGB.astype(np.int32))), pre(RGB))
    deep = (GREY.astype(np.uint16) * 257)  # 16-bit array of the same picture
    assert torch.equal(pre(deep), pre(GREY))


@pytest.mark.parametrize("mode, value, rgb", [
    ("1", 1, (255, 255, 255)),
    ("L", 90, (90, 90, 90)),
    ("LA", (90, 0), (90, 90, 90)),
    ("CMYK", (0, 0, 0, 0), (255, 255, 255)),
    ("I;16", 65535, (255, 255, 255)),
    ("I;16B", 257 * 40, (40, 40, 40)),
    ("I", 257 * 40, (40, 40, 40)),
    ("F", 0.5, (128, 128, 128)),
])
def test_pil_modes(pre, normalised, mode, value, rgb):
    x = pre(Image.new(mode, (50, 40), value))
    assert x.shape == (3, 224, 224)
    assert torch.allclose(x, normalised(rgb), atol=1e-6)


def test_caller_array_is_not_changed(pre):
    arr = RGB.copy()
    pre(arr)
    pre(arr.transpose(2, 0, 1))
    np.testing.assert_array_equal(arr, RGB)
