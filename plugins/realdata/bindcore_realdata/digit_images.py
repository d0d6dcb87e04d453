"""Handwritten digit images: scikit-learn's 8x8 (UCI optdigits) and OpenCV's digits.png (5,000 of 20x20)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Optional

import numpy as np

from bindcore_realdata.locate import OPENCV_DATA, module_file, require_file


def load_sklearn_digits(path: Optional[str] = None) -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) uint8 in 0..255 with bright ink, labels (1797,)) from sklearn's digits.csv.gz."""
    file = module_file("digits", "sklearn", "datasets/data/digits.csv.gz", "scikit-learn", path, "sklearn_digits")
    with gzip.open(file, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)  # (N, 65): 64 pixels in 0..16, then the label
    images = np.clip(table[:, :64] * (255.0 / 16.0), 0, 255).astype(np.uint8).reshape(-1, 8, 8)  # (N, 8, 8)
    return images, table[:, 64].astype(np.int64)


def load_opencv_digits(path: Optional[str] = None) -> tuple[np.ndarray, np.ndarray]:
    """(images (5000, 20, 20) uint8 with bright ink, labels (5000,)) cut from OpenCV's digits.png.

    The sheet is 2000 x 1000 pixels: 50 rows x 100 columns of 20 x 20 cells, each class a block of 5 rows.
    """
    from PIL import Image

    file = require_file(Path(path) if path else OPENCV_DATA / "digits.png", "digits", "OpenCV's digits.png",
                        "opencv-doc", "opencv_digits")
    sheet = np.asarray(Image.open(file).convert("L"))  # (1000, 2000)
    if sheet.shape != (1000, 2000):
        raise ValueError(f"{file}: expected a 2000 x 1000 sheet of digits, got {sheet.shape[1]} x {sheet.shape[0]}")
    cells = sheet.reshape(50, 20, 100, 20).transpose(0, 2, 1, 3).reshape(-1, 20, 20)  # (5000, 20, 20)
    return np.ascontiguousarray(cells), np.repeat(np.arange(10), 500)
