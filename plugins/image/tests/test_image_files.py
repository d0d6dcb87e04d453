"""Real files written with Pillow (JPEG, PNG in every mode, WebP, EXIF-rotated JPEG) and encoded bytes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from PIL import Image, features

from bindcore.io import open_image
from bindcore_image.config import ImageConfig
from bindcore_image.preprocess import ImagePreprocessor

LEVEL = 1 / 255 / min(0.26130258, 0.26862954, 0.27577711)  # one 8-bit step after normalisation


def uniform(mode: str, value, size=(64, 48)) -> Image.Image:
    return Image.new(mode, size, value)


def check(x: torch.Tensor) -> None:
    assert x.shape == (3, 224, 224) and x.dtype == torch.float32


def test_white_png_gives_one_minus_mean_over_std(pre, tmp_path):
    path = tmp_path / "white.png"
    uniform("RGB", (255, 255, 255)).save(path)
    x = pre(path)
    check(x)
    expected = [(1 - m) / s for m, s in zip((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))]
    assert torch.allclose(x, torch.tensor(expected).view(3, 1, 1), atol=1e-6)


def test_rgb_png_is_exact(pre, normalised, tmp_path):
    path = tmp_path / "rgb.png"
    uniform("RGB", (200, 100, 50)).save(path)
    x = pre(str(path))
    check(x)
    assert torch.allclose(x, normalised((200, 100, 50)), atol=1e-6)


def test_jpeg(pre, normalised, tmp_path):
    path = tmp_path / "photo.jpg"
    uniform("RGB", (200, 100, 50)).save(path, quality=95)
    x = pre(path)
    check(x)
    assert torch.allclose(x, normalised((200, 100, 50)), atol=3 * LEVEL)


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_webp(pre, normalised, tmp_path):
    path = tmp_path / "photo.webp"
    uniform("RGB", (20, 180, 240)).save(path, lossless=True)
    assert torch.allclose(pre(path), normalised((20, 180, 240)), atol=1e-6)


def test_greyscale_png(pre, normalised, tmp_path):
    path = tmp_path / "grey.png"
    uniform("L", 128).save(path)
    with Image.open(path) as reread:
        assert reread.mode == "L"
    assert torch.allclose(pre(path), normalised((128, 128, 128)), atol=1e-6)


def test_rgba_png_drops_alpha(pre, normalised, tmp_path):
    path = tmp_path / "rgba.png"
    uniform("RGBA", (10, 200, 30, 0)).save(path)
    assert torch.allclose(pre(path), normalised((10, 200, 30)), atol=1e-6)


def palette_image() -> Image.Image:
    """Left half index 0 (red), right half index 1 (green)."""
    image = Image.new("P", (64, 48), 0)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0, 0, 0] * 254)
    image.paste(1, (32, 0, 64, 48))
    return image


@pytest.mark.parametrize("transparency", [None, 0, bytes([0, 128] + [255] * 254)], ids=["opaque", "index", "alphas"])
def test_palette_png(pre, normalised, tmp_path, transparency):
    path = tmp_path / "palette.png"
    palette_image().save(path, **({} if transparency is None else {"transparency": transparency}))
    with Image.open(path) as reread:
        assert reread.mode == "P" and (transparency is None) == ("transparency" not in reread.info)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow warns when a palette with alpha bytes goes straight to RGB
        x = pre(path)
    check(x)
    assert torch.allclose(x[:, :, :100], normalised((255, 0, 0)), atol=1e-6)  # the colour under alpha is kept
    assert torch.allclose(x[:, :, 124:], normalised((0, 255, 0)), atol=1e-6)


@pytest.mark.parametrize("value, level", [(30000, 117), (65535, 255), (0, 0), (257 * 77, 77)])
def test_16bit_greyscale_png_is_scaled_not_clipped(pre, normalised, tmp_path, value, level):
    path = tmp_path / "deep.png"
    Image.fromarray(np.full((48, 64), value, np.uint16)).save(path)
    with Image.open(path) as reread:
        assert reread.mode.startswith("I")
    x = pre(path)
    check(x)
    assert torch.allclose(x, normalised((level,) * 3), atol=1e-6)


def test_16bit_ramp_keeps_its_order(pre, tmp_path):
    path = tmp_path / "ramp.png"
    Image.fromarray(np.tile(np.linspace(0, 65535, 224).astype(np.uint16), (224, 1))).save(path)
    row = pre(path)[0, 112]
    assert row[0] < row[112] < row[-1]
    assert torch.all(row[1:] >= row[:-1] - 1e-6)


def test_exif_orientation_6_rotates(pre, tmp_path):
    stored = np.zeros((40, 80, 3), np.uint8)
    stored[:, :40] = (255, 0, 0)  # left half red
    stored[:, 40:] = (0, 0, 255)  # right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # shown after a 90 degree clockwise turn
    path = tmp_path / "phone.jpg"
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    assert open_image(path).size == (40, 80)  # landscape stored, portrait shown
    x = pre(path)
    check(x)
    top, bottom = x[:, 20, 112], x[:, 200, 112]  # the left half became the top half
    assert top[0] > 1.5 and top[2] < -1.0
    assert bottom[2] > 1.5 and bottom[0] < -1.0
    left, right = x[:, 112, 20], x[:, 112, 200]  # without the turn these would be red and blue
    assert torch.allclose(left, right, atol=3 * LEVEL)


def test_exif_orientation_on_a_16bit_png_turns_once(pre, tmp_path):
    stored = np.zeros((40, 80), np.uint16)
    stored[:, :40] = 65535  # the left half white
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "deep.png"
    Image.fromarray(stored).save(path, exif=exif)
    x = pre(path)
    assert x[0, 20, 112] > 1.5  # the white half is on top after one turn
    assert x[0, 200, 112] < -1.5  # not at the bottom (two turns)
    assert torch.allclose(x[:, 112, 20], x[:, 112, 200])  # nor left or right (no turn)


def test_bytes_and_pil_equal_the_file(pre, tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "noise.png"
    Image.fromarray(rng.integers(0, 256, (60, 90, 3), dtype=np.uint8)).save(path)
    ref = pre(path)
    assert torch.equal(pre(path.read_bytes()), ref)
    assert torch.equal(pre(bytearray(path.read_bytes())), ref)
    with Image.open(path) as image:
        assert torch.equal(pre(image), ref)


def test_caller_pil_image_is_not_changed(pre):
    image = Image.new("I;16", (30, 20), 40000)
    pre(image)
    assert image.mode == "I;16" and image.getpixel((0, 0)) == 40000


def test_exif_orientation_can_be_ignored_like_the_official_loader(tmp_path):
    stored = np.zeros((40, 80, 3), np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    assert open_image(path, exif_transpose=False).size == (80, 40)
    assert ImagePreprocessor(ImageConfig(exif_transpose=False))(path).shape == (3, 224, 224)
