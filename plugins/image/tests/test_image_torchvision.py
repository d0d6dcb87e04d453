"""The preprocessing equals ImageBind's loader: torchvision Resize(224, bicubic), CenterCrop, ToTensor, Normalize."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import transforms

from bindcore_image.config import CLIP_MEAN, CLIP_STD, ImageConfig
from bindcore_image.preprocess import ImagePreprocessor


def imagebind_transform(size: int, interpolation=transforms.InterpolationMode.BICUBIC):
    return transforms.Compose([
        transforms.Resize(size, interpolation=interpolation),
        transforms.CenterCrop(size),
        transforms.ToTensor(),
        transforms.Normalize(mean=CLIP_MEAN, std=CLIP_STD),
    ])


def picture(h: int, w: int, seed: int = 0) -> Image.Image:
    """Smooth gradients plus noise: edges make bicubic overshoot, odd sizes test the crop rounding."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([xx * 255 / w, yy * 255 / h, (xx + yy) % 64 * 4], -1)
    noise = rng.normal(0, 25, (h, w, 3))
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("h, w", [(300, 400), (257, 181), (100, 150), (224, 224), (31, 500)])
def test_equals_imagebind_loader(pre, h, w):
    image = picture(h, w)
    assert torch.equal(pre(image), imagebind_transform(224)(image))


def test_equals_for_a_greyscale_file_converted_to_rgb(pre, tmp_path):
    path = tmp_path / "grey.png"
    picture(120, 90).convert("L").save(path)
    with Image.open(path) as image:
        ref = imagebind_transform(224)(image.convert("RGB"))  # ImageBind: Image.open(f).convert("RGB")
    assert torch.equal(pre(path), ref)


def test_bilinear_setting_follows_torchvision():
    image = picture(180, 260, seed=1)
    pre = ImagePreprocessor(ImageConfig(resample="bilinear", image_size=112))
    assert torch.equal(pre(image), imagebind_transform(112, transforms.InterpolationMode.BILINEAR)(image))
