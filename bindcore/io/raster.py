"""Raster decoding: paths, bytes, PIL images, arrays and tensors to PIL images or sample arrays; resize and crop."""

from __future__ import annotations

import io
import os
import struct
from typing import Any

import numpy as np

from bindcore.errors import InputError
from bindcore.io.eight_bit import array_to_pil
from bindcore.io.tensors import is_tensor, tensor_to_numpy

KEPT_MODES = ("L", "LA", "RGB", "RGBA", "I", "F", "I;16", "I;16L", "I;16B", "I;16N")  # read_raster keeps these


def open_image(raw: Any, *, exif_transpose: bool = True) -> "Image.Image":
    """Decodes ``raw`` into a PIL image with its EXIF orientation applied.

    Arrays become 8-bit images (see ``bindcore.io.eight_bit.to_uint8``); files keep their own mode.

    Args:
        raw: a path, encoded bytes, a PIL image, a numpy array or a torch tensor ((H, W), (H, W, C) or (C, H, W)).
        exif_transpose: turn the picture as its EXIF orientation tag says (cameras and phones set it).

    Raises:
        InputError: the file is missing, corrupt or of an unsupported format, or the array has a bad shape,
            type or range.
    """
    from PIL import Image

    if isinstance(raw, np.ndarray) or is_tensor(raw):
        return array_to_pil(tensor_to_numpy(raw) if is_tensor(raw) else raw)
    if isinstance(raw, Image.Image):
        return _decoded(raw, exif_transpose)
    if not isinstance(raw, (str, os.PathLike, bytes, bytearray)):
        raise InputError(f"unsupported input type {type(raw).__name__}: give a path, bytes, a PIL image or an array")
    if not isinstance(raw, (bytes, bytearray)) and not os.path.isfile(raw):
        raise InputError("file not found")
    try:
        with Image.open(io.BytesIO(raw) if isinstance(raw, (bytes, bytearray)) else raw) as image:
            return _decoded(image, exif_transpose)
    except InputError:
        raise
    except Image.UnidentifiedImageError:
        raise InputError("not a readable image (unsupported format or corrupt file)") from None
    except Image.DecompressionBombError as exc:
        raise InputError(f"the image is too large to decode safely ({exc})") from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error) as exc:
        raise InputError(f"cannot decode the image ({exc}); the file may be truncated or corrupt") from None


def _decoded(image: "Image.Image", exif_transpose: bool = True) -> "Image.Image":
    """A loaded, independent copy of ``image``, turned by its EXIF orientation if asked."""
    from PIL import ImageOps

    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error) as exc:
        raise InputError(f"cannot decode the image ({exc}); the file may be truncated or corrupt") from None
    if not exif_transpose:
        return image.copy()
    try:
        return ImageOps.exif_transpose(image)  # a copy, also without orientation
    except Exception:  # a broken EXIF block must not lose the picture
        return image.copy()


def read_raster(raw: Any) -> np.ndarray:
    """Decodes ``raw`` to its samples in their own type: uint8, uint16 (16-bit PNG/TIFF), int32 or float32.

    Files, bytes and PIL images get their EXIF orientation applied and give (H, W) or (H, W, C): grey (L),
    grey + alpha, RGB and RGBA as uint8; 16-bit grey as uint16 (also 32-bit integer images whose values fit);
    other 32-bit integers as int32; float images as float32. Palette images become RGB (RGBA with
    transparency), 1-bit images 0/255 uint8 and other colour spaces (CMYK, YCbCr, ...) RGB.

    Args:
        raw: a path, encoded bytes, a PIL image, a numpy array or a torch tensor; arrays and tensors come back
            as numpy arrays, layout and dtype unchanged (16-bit float tensors as float32).

    Raises:
        InputError: as ``open_image``.
    """
    if isinstance(raw, np.ndarray):
        return raw
    if is_tensor(raw):
        return tensor_to_numpy(raw)
    image = _kept_mode(open_image(raw))
    arr = np.array(image)
    if arr.dtype.byteorder == ">":  # I;16B
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.dtype == np.int32 and arr.size and arr.min() >= 0 and arr.max() <= 65535:
        arr = arr.astype(np.uint16)  # 16-bit samples in a 32-bit image (mode I)
    return arr


def _kept_mode(image: "Image.Image") -> "Image.Image":
    """``image`` if its mode maps to plain samples, else converted to L, LA, RGB or RGBA."""
    if image.mode in KEPT_MODES:
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "La":
        return image.convert("LA")
    alpha = "A" in image.getbands() or "a" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB")


def single_channel(arr: np.ndarray, name: str = "array") -> np.ndarray:
    """(H, W), (1, H, W) or (H, W, 1) -> (H, W); ``name`` is what error messages call the array.

    Raises:
        InputError: any other shape, or no samples.
    """
    arr = np.asarray(arr)
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    elif arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim != 2:
        raise InputError(f"expected a single-channel {name} of shape (H, W), (1, H, W) or (H, W, 1), got {arr.shape}")
    if arr.size == 0:
        raise InputError(f"the {name} is empty (shape {arr.shape})")
    return arr


# torchvision's InterpolationMode names -> the Pillow filter torchvision uses for them on PIL images
PIL_FILTERS = {"nearest": "NEAREST", "nearest-exact": "NEAREST", "bilinear": "BILINEAR", "bicubic": "BICUBIC",
               "box": "BOX", "hamming": "HAMMING", "lanczos": "LANCZOS"}


def short_side_size(width: int, height: int, size: int) -> tuple[int, int]:
    """(W, H) after resizing the short side to ``size`` with the aspect kept (torchvision's Resize(size) rounding)."""
    short, long = (width, height) if width <= height else (height, width)
    new_long = int(size * long / short)
    return (size, new_long) if width <= height else (new_long, size)


def center_crop_origin(width: int, height: int, size: int) -> tuple[int, int]:
    """(left, top) of the centred ``size`` x ``size`` crop (torchvision's CenterCrop rounding)."""
    return int(round((width - size) / 2.0)), int(round((height - size) / 2.0))


def resize_center_crop(image: "Image.Image", size: int, resample: str = "bicubic") -> "Image.Image":
    """Resizes the short side to ``size`` (aspect kept), then crops the centre ``size`` x ``size``.

    Equals torchvision's Resize(size) + CenterCrop(size) on PIL images (same sizes, same Pillow filter, same
    rounding), without importing torchvision (several seconds and ~160 MiB in a fresh process).
    """
    from PIL import Image

    new_size = short_side_size(*image.size, size)  # (W, H)
    if new_size != image.size:
        image = image.resize(new_size, Image.Resampling[PIL_FILTERS[resample]])
    left, top = center_crop_origin(*new_size, size)
    return image.crop((left, top, left + size, top + size))
