"""A small line plot of one raw IMU recording, one line per channel, for the search page."""

from __future__ import annotations

from typing import Any

import numpy as np

from bindcore import InputError
from bindcore.io import read_array
from bindcore.io.preview import line_plot_png

ACCEPTS = (".npy", ".npz", ".csv")
AXES = ["ax", "ay", "az", "gx", "gy", "gz"]


def preview(raw: Any) -> tuple[str, bytes]:
    """(``image/png``, bytes): channels over sample number; the shorter axis is taken for the channels."""
    arr = np.asarray(read_array(raw), dtype=np.float64)
    if arr.ndim != 2:
        raise InputError(f"expected a 2-D recording (C, T) or (T, C), got shape {arr.shape}")
    x = arr if arr.shape[0] <= arr.shape[1] else arr.T  # (C, T)
    return line_plot_png(x, AXES if x.shape[0] == len(AXES) else None)
