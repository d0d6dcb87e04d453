"""Raw picture -> normalised (3, S, S) tensor: RGB, bicubic short-side resize, centre crop, CLIP mean/std."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from bindcore.io import open_image, resize_center_crop

from bindcore_image.config import ImageConfig


class ImagePreprocessor:
    """Callable turning one raw image (path, bytes, PIL, array, tensor) into (3, S, S) float32."""

    def __init__(self, cfg: ImageConfig):
        self.cfg = cfg
        self.mean = torch.tensor(cfg.mean).view(3, 1, 1)
        self.std = torch.tensor(cfg.std).view(3, 1, 1)

    def __call__(self, raw: Any) -> torch.Tensor:
        image = open_image(raw)
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: scale to 8 bits before RGB
            arr = np.asarray(image, dtype=np.float64)
            image = image.__class__.fromarray(np.clip(arr / 257.0, 0, 255).astype(np.uint8))
        if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
            image = image.convert("RGBA")
        image = image.convert("RGB")
        image = resize_center_crop(image, self.cfg.image_size, self.cfg.resample)
        x = torch.from_numpy(np.asarray(image, dtype=np.uint8).copy()).permute(2, 0, 1).float().div_(255)  # (3, S, S)
        return (x - self.mean) / self.std  # (3, S, S)
