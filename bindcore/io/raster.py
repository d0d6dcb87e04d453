"""Raster decoding: paths, bytes, PIL images, arrays and tensors to a PIL image; resize and crop."""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from bindcore.errors import InputError


def _from_array(arr: np.ndarray) -> "Image.Image":
    from PIL import Image

    if arr.ndim == 3 and arr.shape[0] in (1, 3, 4) and arr.shape[-1] not in (1, 3, 4):
        arr = np.moveaxis(arr, 0, -1)  # (C, H, W) -> (H, W, C)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise InputError(f"expected an array of shape (H, W), (H, W, 3|4) or (3|4, H, W), got {arr.shape}")
    if arr.size == 0:
        raise InputError("the array is empty")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.isfinite(arr).all():
            raise InputError("the array holds NaN or infinite values")
        scale = 255.0 if arr.max() <= 1.0 else 1.0
        arr = np.clip(arr * scale, 0, 255).astype(np.uint8)
    elif arr.dtype == np.uint16 or arr.dtype == np.int32:
        return Image.fromarray(arr.astype(np.int32), mode="I") if arr.ndim == 2 else Image.fromarray((arr >> 8).astype(np.uint8))
    elif arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return Image.fromarray(arr)


def open_image(raw: Any) -> "Image.Image":
    """Decodes ``raw`` into a PIL image with its EXIF orientation applied.

    Args:
        raw: a path, encoded bytes, a PIL image, a numpy array or a torch tensor ((H, W), (H, W, C) or (C, H, W)).

    Raises:
        InputError: the file is missing, corrupt or of an unsupported format, or the array has a bad shape.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(raw, Image.Image):
        image = raw
    elif isinstance(raw, (str, os.PathLike, bytes, bytearray)):
        source = io.BytesIO(raw) if isinstance(raw, (bytes, bytearray)) else raw
        if not isinstance(raw, (bytes, bytearray)) and not os.path.isfile(raw):
            raise InputError("file not found")
        try:
            image = Image.open(source)
            image.load()
        except UnidentifiedImageError:
            raise InputError("not a readable image (unsupported format or corrupt file)") from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise InputError(f"cannot decode the image ({exc}); the file may be truncated or corrupt") from None
    elif hasattr(raw, "detach") and hasattr(raw, "numpy"):
        return _from_array(raw.detach().cpu().numpy())
    elif isinstance(raw, np.ndarray):
        return _from_array(raw)
    else:
        raise InputError(f"unsupported input type {type(raw).__name__}: give a path, bytes, a PIL image or an array")
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a broken EXIF block must not lose the picture
        return image


def resize_center_crop(image: "Image.Image", size: int, resample: str = "bicubic") -> "Image.Image":
    """Resizes the short side to ``size`` (aspect kept), then crops the centre ``size`` x ``size``.

    The arithmetic matches torchvision's Resize(size) + CenterCrop(size) on PIL images.
    """
    import torchvision.transforms.functional as TF
    from torchvision.transforms import InterpolationMode

    mode = InterpolationMode(resample)
    return TF.center_crop(TF.resize(image, size, interpolation=mode), size)
