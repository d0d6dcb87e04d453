"""Raw ECG -> (1, length) float32: read, check, resample, cut, standardise, pad."""

import numpy as np
import torch

from bindcore import InputError
from bindcore.io import read_array


def preprocess(raw, cfg) -> torch.Tensor:
    """Turns one lead (.npy/.csv path, array or tensor of shape (T,)) into (1, cfg.length) float32.

    Raises:
        InputError: unreadable file, not one lead of numbers, empty, NaN or infinite values, a flat signal.
    """
    x = read_array(raw)  # raises InputError for missing, corrupt or unsupported files
    if x.ndim == 2 and 1 in x.shape:  # a one-column or one-row CSV
        x = x.reshape(-1)
    if x.ndim != 1 or x.dtype.kind not in "biuf":
        raise InputError(f"expected one lead of numbers, shape (T,); got {x.dtype} of shape {x.shape}")
    if x.size < 2:
        raise InputError(f"the recording is empty ({x.size} samples)")
    if not np.isfinite(x).all():
        raise InputError("the recording holds NaN or infinite values")
    steps = max(1, round(x.size * cfg.model_rate / cfg.source_rate))  # resampled to the model rate
    x = np.interp(np.arange(steps) * cfg.source_rate / cfg.model_rate, np.arange(x.size), x)[: cfg.length]
    if x.std() < 1e-8:
        raise InputError("the recording is flat (no signal): check the lead and the units")
    x = (x - x.mean()) / x.std()  # standardised per item
    x = np.pad(x, (0, cfg.length - x.size))  # zeros (the mean) after a short recording
    return torch.from_numpy(x.astype(np.float32))[None]  # (1, L)
