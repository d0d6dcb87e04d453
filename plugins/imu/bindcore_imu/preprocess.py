"""Raw IMU recording -> (channels, length) float32: layout, NaN gaps, resampling, normalisation, length."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from bindcore.io import read_array

from bindcore_imu.config import ImuConfig
from bindcore_imu.gaps import fill_nan_gaps
from bindcore_imu.layout import as_channels_first
from bindcore_imu.timing import fit_length, resample


class ImuPreprocessor:
    """Callable turning one recording (.npy/.npz/.csv path, array, tensor; (T, C) or (C, T)) into (C, L) float32.

    Steps: read and orient to (C, T); fill NaN runs of at most ``max_nan_gap`` samples (linear inside,
    nearest value at the edges); resample ``source_rate`` -> ``model_rate`` when a source rate is set;
    subtract the recording's own channel means when ``center`` is on; subtract ``mean`` and divide by ``std``
    when set; crop or pad at the end to ``length``.
    """

    def __init__(self, cfg: ImuConfig):
        self.cfg = cfg
        self.mean = None if cfg.mean is None else np.asarray(cfg.mean, dtype=np.float64)[:, None]  # (C, 1)
        self.std = None if cfg.std is None else np.asarray(cfg.std, dtype=np.float64)[:, None]  # (C, 1)

    def __call__(self, raw: Any) -> torch.Tensor:
        cfg = self.cfg
        if isinstance(raw, torch.Tensor) and raw.dtype in (torch.bfloat16, torch.float16):
            raw = raw.float()  # numpy has no bfloat16
        x = as_channels_first(read_array(raw, npz_key=cfg.npz_key), cfg.channels)  # (C, T)
        x = fill_nan_gaps(x, cfg.max_nan_gap)  # (C, T)
        if cfg.source_rate is not None:
            x = resample(x, cfg.source_rate, cfg.model_rate)  # (C, T')
        if cfg.center:
            x = x - x.mean(axis=1, keepdims=True)  # (C, T')
        if self.mean is not None:
            x = (x - self.mean) / self.std  # (C, T')
        x = fit_length(x, cfg.length, cfg.pad_mode, cfg.crop)  # (C, L)
        return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))  # (C, L)
