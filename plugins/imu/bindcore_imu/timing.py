"""Time axis of a (C, T) recording: resampling and fitting to the model length."""

from __future__ import annotations

import numpy as np


def resample(x: np.ndarray, source_rate: float, target_rate: float) -> np.ndarray:
    """Linear-interpolation resampling along time, keeping the duration.

    Args:
        x: (C, T) recording sampled at ``source_rate`` Hz.
        source_rate: input rate in Hz.
        target_rate: output rate in Hz.

    Returns:
        (C, round(T * target_rate / source_rate)) recording; the first sample stays put. Downsampling does no
        anti-alias filtering.
    """
    if source_rate == target_rate:
        return x
    steps = max(1, round(x.shape[-1] * target_rate / source_rate))
    positions = np.arange(steps) * (source_rate / target_rate)  # (T',) in input samples
    grid = np.arange(x.shape[-1])  # (T,)
    return np.stack([np.interp(positions, grid, row) for row in x])  # (C, T')


def fit_length(x: np.ndarray, length: int, pad_mode: str = "zero", crop: str = "start") -> np.ndarray:
    """Cuts or pads a (C, T) recording to (C, length).

    Args:
        x: (C, T) recording.
        length: output steps.
        pad_mode: "zero" appends zeros, "edge" repeats the last sample (padding is always at the end).
        crop: "start" keeps the first ``length`` steps, "center" the middle ones.
    """
    steps = x.shape[-1]
    if steps > length:
        start = (steps - length) // 2 if crop == "center" else 0
        return x[:, start:start + length]  # (C, L)
    if steps < length:
        return np.pad(x, ((0, 0), (0, length - steps)), mode="constant" if pad_mode == "zero" else "edge")  # (C, L)
    return x
