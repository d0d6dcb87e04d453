"""Raw depth item (file, bytes, PIL image, array, tensor) -> (H, W) float64 values in metres or disparity units."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from PIL import Image

from bindcore import InputError
from bindcore.io import open_image, read_array

IMAGE_FILES = (".png", ".tif", ".tiff")
ARRAY_FILES = (".npy", ".npz")
SINGLE_CHANNEL_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F", "L")  # 16/32-bit integer, float, 8-bit


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
    if isinstance(raw, (str, os.PathLike)):
        ext = os.path.splitext(os.fspath(raw))[1].lower()
        if ext in ARRAY_FILES:
            arr = read_array(raw)
        elif ext in IMAGE_FILES:
            arr = _image_samples(open_image(raw))
        else:
            raise InputError(f"unsupported depth file type '{ext}': use 16-bit .png/.tif (millimetres) or .npy/.npz (metres)")
    elif isinstance(raw, (bytes, bytearray, Image.Image)):
        arr = _image_samples(open_image(raw))
    elif isinstance(raw, np.ndarray) or (hasattr(raw, "detach") and hasattr(raw, "numpy")):
        arr = read_array(raw)
    else:
        raise InputError(f"unsupported depth input type {type(raw).__name__}: give a path, bytes, a PIL image or an array")
    return _to_units(_single_channel(np.asarray(arr)), png_scale, allow_8bit)


def _image_samples(image: Image.Image) -> np.ndarray:
    """The samples of a decoded single-channel image, in their own dtype."""
    if image.mode in SINGLE_CHANNEL_MODES:
        return np.asarray(image)
    raise InputError(f"expected a single-channel depth image, got mode {image.mode} "
                     f"({len(image.getbands())} channels); a colour-mapped depth picture cannot be converted back")


def _single_channel(arr: np.ndarray) -> np.ndarray:
    """(H, W), (1, H, W) or (H, W, 1) -> (H, W)."""
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    elif arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim != 2:
        raise InputError(f"expected a depth map of shape (H, W), (1, H, W) or (H, W, 1), got {arr.shape}")
    if arr.size == 0:
        raise InputError(f"the depth map is empty (shape {arr.shape})")
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
