"""Raw depth -> (1, S, S) disparity: decode, convert, mask invalid pixels, mask-aware resize + crop, normalise."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from bindcore import InputError

from bindcore_depth.config import DepthConfig
from bindcore_depth.decode import read_depth
from bindcore_depth.resample import resize_masked


class DepthPreprocessor:
    """Callable turning one raw depth (or disparity) map into a (1, S, S) float32 disparity item.

    Steps: decode (16-bit PNG/TIFF and integer arrays / png_scale; float files and arrays as they are)
    -> pixels that are 0, negative, NaN or infinite are invalid -> depth input: clip to [min_depth, max_depth]
    and disparity = baseline * focal_length / depth; disparity input: used as is -> mask-aware resize + crop
    -> (disparity - mean) / std when normalize -> invalid pixels set to fill_value.
    """

    def __init__(self, cfg: DepthConfig):
        self.cfg = cfg

    def __call__(self, raw: Any) -> torch.Tensor:
        cfg = self.cfg
        values = read_depth(raw, cfg.png_scale, allow_8bit=cfg.input == "disparity")  # (H, W) float64
        with np.errstate(invalid="ignore", over="ignore"):
            valid = np.isfinite(values) & (values > 0)  # (H, W)
            if not valid.any():
                raise InputError(f"the {cfg.input} map has no valid pixel (all are 0, negative, NaN or infinite)")
            if cfg.input == "depth":
                depth_m = np.clip(np.where(valid, values, 1.0), cfg.min_depth, cfg.max_depth)  # (H, W)
                disparity = (cfg.baseline * cfg.focal_length / depth_m).astype(np.float32)  # (H, W)
            else:
                disparity = np.where(valid, values, 0.0).astype(np.float32)  # (H, W)
        valid &= np.isfinite(disparity)  # values beyond float32 range
        x, ok = resize_masked(torch.from_numpy(disparity), torch.from_numpy(valid), cfg.image_size, cfg.resample)  # (S, S)
        if cfg.normalize:
            x = (x - cfg.mean) / cfg.std  # (S, S)
        return torch.where(ok, x, cfg.fill_value).unsqueeze(0)  # (1, S, S)
