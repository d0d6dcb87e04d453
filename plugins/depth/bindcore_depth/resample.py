"""Mask-aware short-side resize + centre crop of a float map, so that invalid pixels never leak into valid ones."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from bindcore.io.raster import center_crop_origin, short_side_size

MIN_VALID_WEIGHT = 0.5  # an output pixel is valid when at least half of its filter weight lies on valid inputs


def resize_masked(values: torch.Tensor, valid: torch.Tensor, size: int, resample: str = "bilinear"
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Resizes the short side to ``size`` (aspect kept) and crops the centre ``size`` x ``size``.

    Bilinear is a normalised convolution: resize(values * valid) / resize(valid), with antialiasing when
    shrinking. Its weights are non-negative, so each valid output is a convex mix of valid inputs only;
    outputs with less than MIN_VALID_WEIGHT of valid support become invalid. Nearest copies samples and mask.
    The geometry matches torchvision's Resize(size) + CenterCrop(size) (as bindcore.io.resize_center_crop).

    Args:
        values: (H, W) float map (anything at invalid pixels).
        valid: (H, W) bool mask.
        size: output side.
        resample: "bilinear" or "nearest".

    Returns:
        (values (size, size) float32 with 0 at invalid pixels, valid (size, size) bool)
    """
    mask = valid.float()  # (H, W)
    stacked = torch.stack([torch.where(valid, values, 0.0).float(), mask])  # (2, H, W)
    if resample == "nearest":
        out = resize_center_crop_tensor(stacked, size, "nearest")  # (2, S, S)
        ok = out[1] > 0.5  # (S, S)
    else:
        out = resize_center_crop_tensor(stacked, size, "bilinear")  # (2, S, S)
        ok = out[1] >= MIN_VALID_WEIGHT  # (S, S)
        out[0] = out[0] / out[1].clamp_min(MIN_VALID_WEIGHT)  # (S, S) undo the mask weighting
    return torch.where(ok, out[0], 0.0), ok  # (S, S), (S, S)


def resize_center_crop_tensor(x: torch.Tensor, size: int, mode: str) -> torch.Tensor:
    """torchvision's Resize(size, mode, antialias=True) + CenterCrop(size) on a (C, H, W) float tensor.

    The same interpolate call torchvision makes, without importing torchvision (seconds in a fresh process).
    """
    height, width = x.shape[-2:]
    new_w, new_h = short_side_size(width, height, size)
    if (new_w, new_h) != (width, height):
        linear = mode == "bilinear"
        x = F.interpolate(x[None], size=[new_h, new_w], mode=mode, align_corners=False if linear else None,
                          antialias=linear)[0]  # (C, H', W')
    left, top = center_crop_origin(new_w, new_h, size)
    return x[..., top:top + size, left:left + size]  # (C, S, S)
