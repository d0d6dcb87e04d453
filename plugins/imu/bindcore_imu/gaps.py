"""Fill NaN runs (sensor dropouts) in a (C, T) recording."""

from __future__ import annotations

from typing import Optional

import numpy as np

from bindcore import InputError


def nan_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of every run of True in a 1-D boolean mask."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))  # (T+1,)
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def fill_nan_gaps(x: np.ndarray, max_gap: Optional[int]) -> np.ndarray:
    """Fills NaN runs of at most ``max_gap`` samples, channel by channel.

    A run between two valid samples is linearly interpolated; a run at the start or end of a channel
    takes the nearest valid value. A longer run is an error rather than invented data.

    Args:
        x: (C, T) float64 recording.
        max_gap: the longest run filled; None fills runs of any length.

    Raises:
        InputError: a channel is all NaN, or a run exceeds ``max_gap``.
    """
    nan = np.isnan(x)  # (C, T)
    if not nan.any():
        return x
    out = x.copy()
    for c in np.flatnonzero(nan.any(axis=1)):
        missing = nan[c]  # (T,)
        if missing.all():
            raise InputError(f"channel {c} is all NaN")
        for start, stop in nan_runs(missing):
            if max_gap is not None and stop - start > max_gap:
                raise InputError(f"channel {c} has {stop - start} NaN samples in a row at {start}..{stop - 1} "
                                 f"(max_nan_gap is {max_gap}): repair the recording or raise max_nan_gap")
        valid = np.flatnonzero(~missing)
        out[c, missing] = np.interp(np.flatnonzero(missing), valid, x[c, valid])  # edges hold the nearest value
    return out
