"""Arrays of any sample type to 8-bit PIL images (L, RGB or RGBA)."""

from __future__ import annotations

import numpy as np

from bindcore.errors import InputError

HALF_LEVEL = 0.5 / 255  # float samples this far outside [0, 1] still round into 0..255


def to_uint8(arr: np.ndarray) -> np.ndarray:
    """Scales samples to uint8 by their type, shape kept.

    uint8 as is; uint16 / 257 (65535 -> 255), rounded; bool as 0 / 255; other integers must lie in [0, 255];
    floats must be finite and lie in [0, 1] and are multiplied by 255, rounded.

    Raises:
        InputError: non-numeric samples, NaN or infinite floats, values outside the range of their type.
    """
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8) * np.uint8(255)
    if arr.dtype == np.uint16:
        return np.rint(arr / 257.0).astype(np.uint8)
    if np.issubdtype(arr.dtype, np.integer):
        low, high = int(arr.min()), int(arr.max())
        if low < 0 or high > 255:
            raise InputError(f"integer samples of type {arr.dtype} must lie in [0, 255], got [{low}, {high}]: "
                             "give uint16 for 16-bit data")
        return arr.astype(np.uint8)
    if not np.issubdtype(arr.dtype, np.floating):
        raise InputError(f"unsupported sample type {arr.dtype}: give uint8, uint16 or floats in [0, 1]")
    if not np.isfinite(arr).all():
        raise InputError("the array holds NaN or infinite values")
    low, high = float(arr.min()), float(arr.max())
    if low < -HALF_LEVEL or high > 1.0 + HALF_LEVEL:
        raise InputError(f"float samples must lie in [0, 1], got [{low:.4g}, {high:.4g}]: divide 8-bit values by 255")
    return np.rint(np.clip(arr.astype(np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)


def array_to_pil(arr: np.ndarray) -> "Image.Image":
    """(H, W), (H, W, 1|3|4) or (1|3|4, H, W) samples of any numeric type -> 8-bit L, RGB or RGBA image.

    Raises:
        InputError: a bad shape, no samples, or samples ``to_uint8`` refuses.
    """
    from PIL import Image

    if arr.ndim == 3 and arr.shape[0] in (1, 3, 4) and arr.shape[-1] not in (1, 3, 4):
        arr = np.moveaxis(arr, 0, -1)  # (C, H, W) -> (H, W, C)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]  # (H, W)
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise InputError(f"expected an array of shape (H, W), (H, W, 3|4) or (3|4, H, W), got {arr.shape}")
    if arr.size == 0:
        raise InputError(f"the array is empty (shape {arr.shape})")
    return Image.fromarray(np.ascontiguousarray(to_uint8(arr)))
