"""Raw thermal item (file, bytes, PIL image, array, tensor) -> (H, W) float32 intensities in [0, 1]."""

from __future__ import annotations

from typing import Any

import numpy as np

from bindcore import InputError
from bindcore.io import read_map

IMAGE_FILES = (".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp")
ARRAY_FILES = (".npy", ".npz")
LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R 601-2, as PIL's convert("L")


def read_thermal(raw: Any) -> np.ndarray:
    """Decodes one thermal image to float32 (H, W) in [0, 1].

    Scaling by bit depth: uint8 / 255, uint16 / 65535 (16-bit PNG/TIFF included); floats are taken as they are
    and must be finite and within [0, 1]. Colour inputs (an RGB/RGBA file, or an (H, W, 3|4) / (3|4, H, W) array)
    become luminance 0.299 R + 0.587 G + 0.114 B; alpha is dropped.

    Args:
        raw: a .png/.tif/.tiff/.jpg/.jpeg/.bmp/.npy/.npz path, encoded image bytes, a PIL image, a numpy array
            or a torch tensor.

    Raises:
        InputError: missing, corrupt or unsupported file, bad shape, empty, bad dtype or out-of-range values.
    """
    arr, from_image = read_map(raw, image_files=IMAGE_FILES, array_files=ARRAY_FILES, what="thermal")
    if from_image:
        arr = _image_samples(arr)
    return _to_grey(_scale(np.asarray(arr)))


def _image_samples(arr: np.ndarray) -> np.ndarray:
    """Decoded image samples with a grey + alpha pair reduced to grey (colour is left to ``_to_grey``)."""
    if arr.dtype == np.int32:  # read_raster keeps 32-bit integers only beyond the 16-bit range
        raise InputError("32-bit integer image with values outside the 16-bit range [0, 65535]")
    return arr[..., 0] if arr.ndim == 3 and arr.shape[-1] == 2 else arr


def _scale(arr: np.ndarray) -> np.ndarray:
    """uint8 / 255, uint16 / 65535, finite floats in [0, 1] as they are; float32, shape kept."""
    if arr.size == 0:
        raise InputError(f"the thermal image is empty (shape {arr.shape})")
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    if arr.dtype == np.uint16:
        return arr.astype(np.float32) / 65535.0
    if not np.issubdtype(arr.dtype, np.floating):
        raise InputError(f"unsupported thermal dtype {arr.dtype}: give uint8, uint16 or floats in [0, 1]")
    if not np.isfinite(arr).all():
        raise InputError("the thermal image holds NaN or infinite values")
    low, high = float(arr.min()), float(arr.max())
    if low < 0.0 or high > 1.0:
        raise InputError(f"float thermal values must lie in [0, 1], got [{low:.4g}, {high:.4g}]: scale them first "
                         "(e.g. by the sensor's bit depth or a fixed temperature range)")
    return arr.astype(np.float32)


def _to_grey(arr: np.ndarray) -> np.ndarray:
    """(H, W), (1, H, W), (H, W, 1) -> (H, W); colour (H, W, 3|4) or (3|4, H, W) -> luminance (H, W)."""
    if arr.ndim == 3 and arr.shape[0] in (1, 3, 4) and arr.shape[-1] not in (1, 3, 4):
        arr = np.moveaxis(arr, 0, -1)  # (C, H, W) -> (H, W, C)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]  # (H, W)
    elif arr.ndim == 3 and arr.shape[-1] in (3, 4):
        arr = (arr[..., :3] @ LUMA).astype(np.float32)  # (H, W)
    if arr.ndim != 2:
        raise InputError(f"expected a thermal image of shape (H, W), (1, H, W), (H, W, 1) or colour (H, W, 3|4), "
                         f"got {arr.shape}")
    return arr
