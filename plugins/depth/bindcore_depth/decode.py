"""Raw depth item (file, bytes, PIL image, array, tensor) -> (H, W) float64 values in metres or disparity units."""

from __future__ import annotations

from typing import Any

import numpy as np

from bindcore import InputError
from bindcore.io import read_map, single_channel

IMAGE_FILES = (".png", ".tif", ".tiff")
ARRAY_FILES = (".npy", ".npz")


def read_depth(raw: Any, png_scale: float, allow_8bit: bool = False) -> np.ndarray:
    """Decodes one depth map to float64 (H, W) in metres (or disparity units).

    Integer samples (16-bit PNG/TIFF, integer arrays) are sensor units and are divided by ``png_scale``
    (1000: millimetres -> metres); floating samples (.npy, .npz, float arrays, 32-bit float TIFF) are used as is.

    Args:
        raw: a .png/.tif/.tiff/.npy/.npz path, encoded image bytes, a PIL image, a numpy array or a torch tensor
            of shape (H, W), (1, H, W) or (H, W, 1).
        png_scale: divisor of integer samples.
        allow_8bit: accept 8-bit data; refused for metric depth since 8-bit maps are visualisations without scale.

    Raises:
        InputError: missing, corrupt or unsupported file, multi-channel or empty map, non-numeric data.
    """
    arr, from_image = read_map(raw, image_files=IMAGE_FILES, array_files=ARRAY_FILES, what="depth")
    if from_image:
        arr = _image_samples(arr)
    return _to_units(single_channel(arr, "depth map"), png_scale, allow_8bit)


def _image_samples(arr: np.ndarray) -> np.ndarray:
    """The samples of a decoded image, refused when it has colour or alpha channels."""
    if arr.ndim == 3:
        raise InputError(f"expected a single-channel depth image, got {arr.shape[-1]} channels; "
                         "a colour-mapped depth picture cannot be converted back")
    return arr


def _to_units(arr: np.ndarray, png_scale: float, allow_8bit: bool) -> np.ndarray:
    """Integer sensor units / png_scale, floats as they are; float64 (H, W)."""
    if arr.dtype == np.bool_ or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise InputError(f"expected numeric depth values, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.integer):
        if arr.dtype.itemsize == 1 and not allow_8bit:
            raise InputError("8-bit depth carries no metric scale (usually a visualisation): give a 16-bit PNG in "
                             "millimetres, float metres in .npy/.npz, or set input='disparity'")
        return arr.astype(np.float64) / png_scale
    return arr.astype(np.float64)
