"""Raw thermal image -> (1, S, S) intensities: decode to [0, 1] grey, short-side resize, centre crop, optional mean/std."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from PIL import Image

from bindcore.io import resize_center_crop

from bindcore_thermal.config import ThermalConfig
from bindcore_thermal.decode import read_thermal


class ThermalPreprocessor:
    """Callable turning one raw thermal image (path, bytes, PIL, array, tensor) into (1, S, S) float32.

    Resizing runs on a 32-bit float ('F') PIL image so that 16-bit precision survives; the result is clipped
    back to [0, 1] because bicubic overshoots at edges (as an 8-bit pipeline would clip).
    """

    def __init__(self, cfg: ThermalConfig):
        self.cfg = cfg

    def __call__(self, raw: Any) -> torch.Tensor:
        grey = read_thermal(raw)  # (H, W) float32 in [0, 1]
        image = resize_center_crop(Image.fromarray(np.ascontiguousarray(grey)), self.cfg.image_size, self.cfg.resample)
        x = torch.from_numpy(np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)).unsqueeze(0)  # (1, S, S)
        if self.cfg.normalize:
            x = (x - self.cfg.mean) / self.cfg.std  # (1, S, S)
        return x
