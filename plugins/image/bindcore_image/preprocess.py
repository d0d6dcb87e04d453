"""Raw picture -> normalised (3, S, S) tensor: RGB, bicubic short-side resize, centre crop, CLIP mean/std."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from bindcore.io import open_image, resize_center_crop

from bindcore_image.config import ImageConfig
from bindcore_image.rgb import to_rgb


class ImagePreprocessor:
    """Callable turning one raw image (path, bytes, PIL, array, tensor) into (3, S, S) float32.

    On an 8-bit RGB PIL image this equals ImageBind's loader: torchvision Resize(S, bicubic), CenterCrop(S),
    ToTensor, Normalize(mean, std). EXIF orientation is applied first unless ``exif_transpose`` is off.
    """

    def __init__(self, cfg: ImageConfig):
        self.cfg = cfg
        self.mean = torch.tensor(cfg.mean).view(3, 1, 1)
        self.std = torch.tensor(cfg.std).view(3, 1, 1)

    def __call__(self, raw: Any) -> torch.Tensor:
        image = resize_center_crop(to_rgb(open_image(raw, exif_transpose=self.cfg.exif_transpose)), self.cfg.image_size, self.cfg.resample)
        x = torch.from_numpy(np.array(image, dtype=np.uint8)).permute(2, 0, 1).float().div_(255)  # (3, S, S)
        return (x - self.mean) / self.std  # (3, S, S)
