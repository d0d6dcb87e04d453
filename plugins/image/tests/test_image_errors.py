"""Bad inputs raise InputError with a clear message and no library traceback."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from bindcore import InputError
from bindcore.testing import load_host, small_config


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, match", [
    (lambda p: p / "missing.jpg", "file not found"),
    (lambda p: str(p), "file not found"),  # a folder
    (lambda p: write(p / "noise.jpg", np.random.default_rng(0).bytes(2048)), "not a readable image"),
    (lambda p: write(p / "notes.png", b"hello, this is text and no picture\n"), "not a readable image"),
    (lambda p: write(p / "cut.jpg", jpeg_bytes()[:len(jpeg_bytes()) * 2 // 3]), "truncated"),
    (lambda p: write(p / "header.jpg", jpeg_bytes()[:300]), "cannot decode|truncated"),
    (lambda p: write(p / "empty.png", b""), "not a readable image"),
    (lambda p: jpeg_bytes()[:1000], "truncated"),
    (lambda p: b"GIF89a nonsense", "not a readable image|cannot decode"),
    (lambda p: np.zeros((0, 10, 3), np.uint8), "empty"),
    (lambda p: np.zeros((10, 0), np.float32), "empty"),
    (lambda p: np.full((20, 20, 3), np.nan, np.float32), "NaN"),
    (lambda p: np.full((20, 20), np.inf), "NaN or infinite"),
    (lambda p: np.zeros((20, 20, 5), np.uint8), r"shape \(H, W\).*got \(20, 20, 5\)"),
    (lambda p: np.zeros((2, 20, 20), np.uint8), "shape"),
    (lambda p: np.zeros(20, np.uint8), "shape"),
    (lambda p: np.zeros((1, 3, 20, 20), np.float32), "shape"),
    (lambda p: np.full((20, 20), 2.0), r"\[0, 1\]"),
    (lambda p: np.full((20, 20), -0.5), r"\[0, 1\]"),
    (lambda p: np.full((20, 20), 1000), "uint16"),
    (lambda p: np.full((20, 20), -1, np.int8), r"\[0, 255\]"),
    (lambda p: np.zeros((20, 20), np.complex64), "unsupported sample type"),
    (lambda p: np.full((20, 20), None, object), "unsupported sample type"),
    (lambda p: torch.zeros(3, 0, 7), "empty"),
    (lambda p: Image.new("F", (20, 20), 300.0), r"\[0, 1\]"),
    (lambda p: {"path": "x.jpg"}, "unsupported input type dict"),
    (lambda p: 3.5, "unsupported input type float"),
    (lambda p: None, "unsupported input type NoneType"),
])
def test_bad_inputs(pre, tmp_path, make, match):
    with pytest.raises(InputError, match=match) as err:
        pre(make(tmp_path))
    assert err.value.__cause__ is None  # raised from None or directly: no library traceback is chained
    assert err.value.__context__ is None or err.value.__suppress_context__


def test_lazy_pil_image_with_cut_data(pre):
    image = Image.open(io.BytesIO(jpeg_bytes()[:2000]))  # the header parses, the pixels do not
    with pytest.raises(InputError, match="truncated"):
        pre(image)


def test_modality_names_the_bad_item(tmp_path):
    from bindcore.model import Modality

    spec = load_host().modalities.get("image")
    modality = Modality("image", spec, small_config(spec), 16)
    with pytest.raises(InputError, match="missing.png: file not found"):
        modality.preprocess([np.zeros((8, 8, 3), np.uint8), str(tmp_path / "missing.png")])
    assert modality.preprocess([np.zeros((8, 8, 3), np.uint8), Image.new("RGB", (30, 50))]).shape == (2, 3, 224, 224)
