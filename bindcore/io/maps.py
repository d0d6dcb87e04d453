"""Dense maps (depth, heat, ...) given as image files, array files or in memory."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from bindcore.errors import InputError
from bindcore.io.arrays import read_array
from bindcore.io.raster import read_raster
from bindcore.io.tensors import is_tensor, tensor_to_numpy


def read_map(raw: Any, *, image_files: tuple[str, ...], array_files: tuple[str, ...], what: str = "map"
             ) -> tuple[np.ndarray, bool]:
    """Decodes a map, dispatching paths on their extension.

    Args:
        raw: a path (an image file in ``image_files`` or an array file in ``array_files``), encoded image
            bytes, a PIL image, a numpy array or a tensor.
        image_files, array_files: accepted extensions (lower case, with the dot).
        what: what error messages call the input.

    Returns:
        (samples in their own dtype, whether they were decoded from an image)

    Raises:
        InputError: an unsupported extension or type, or what the decoders raise.
    """
    from PIL import Image

    if isinstance(raw, (str, os.PathLike)):
        ext = os.path.splitext(os.fspath(raw))[1].lower()
        if ext in array_files:
            return read_array(raw), False
        if ext in image_files:
            return read_raster(raw), True
        raise InputError(f"unsupported {what} file type '{ext}': use {', '.join(image_files + array_files)}")
    if isinstance(raw, (bytes, bytearray, Image.Image)):
        return read_raster(raw), True
    if isinstance(raw, np.ndarray):
        return raw, False
    if is_tensor(raw):
        return tensor_to_numpy(raw), False
    raise InputError(f"unsupported {what} input type {type(raw).__name__}: give a path, bytes, a PIL image or an array")
