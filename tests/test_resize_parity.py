"""bindcore.io.resize_center_crop equals torchvision's Resize + CenterCrop without importing torchvision."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from bindcore.io import resize_center_crop


@pytest.mark.parametrize("mode", ["RGB", "L", "F", "I;16"])
@pytest.mark.parametrize("resample", ["bicubic", "bilinear", "nearest"])
@pytest.mark.parametrize("h, w", [(480, 640), (257, 181), (224, 224), (31, 500), (100, 101)])
def test_matches_torchvision(mode, resample, h, w):
    from torchvision import transforms

    rng = np.random.default_rng(h * w)
    if mode == "RGB":
        image = Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
    elif mode == "I;16":
        image = Image.fromarray(rng.integers(0, 65536, (h, w), dtype=np.uint16))
    else:
        image = Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8)).convert(mode)
    want = transforms.CenterCrop(96)(transforms.Resize(96, transforms.InterpolationMode(resample))(image))
    got = resize_center_crop(image, 96, resample)
    assert got.mode == want.mode and got.size == want.size == (96, 96)
    assert np.array_equal(np.asarray(got), np.asarray(want))
