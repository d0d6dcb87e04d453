"""Validate a raw numeric array and put it in (channels, T) float64 layout."""

from __future__ import annotations

import numpy as np

from bindcore import InputError


def as_channels_first(arr: np.ndarray, channels: int) -> np.ndarray:
    """Returns the recording as (channels, T) float64.

    The channel axis is the one of size ``channels``; when both axes have that size (a square
    recording) the array is read as (channels, T), the layout the model takes.

    Raises:
        InputError: non-numeric data, a rank other than 2, no samples, no axis of size ``channels``,
            infinite values, or only NaN.
    """
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise InputError(f"the array is not numeric (dtype {arr.dtype}): expected real-valued samples")
    if arr.ndim != 2:
        raise InputError(f"expected a 2-D recording ({channels}, T) or (T, {channels}), got shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"the recording is empty (shape {arr.shape})")
    if arr.shape[0] == channels:
        x = arr  # (C, T)
    elif arr.shape[1] == channels:
        x = arr.T  # (C, T)
    else:
        raise InputError(f"expected {channels} channels on one axis, got shape {arr.shape}")
    x = np.asarray(x, dtype=np.float64)  # (C, T)
    if np.isinf(x).any():
        raise InputError("the recording contains infinite values")
    if np.isnan(x).all():
        raise InputError("every value of the recording is NaN")
    return x
