"""Numeric arrays from .npy, .npz, .csv files or memory."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from bindcore.errors import InputError
from bindcore.io.tensors import is_tensor, tensor_to_numpy


def read_array(raw: Any, *, npz_key: str | None = None) -> np.ndarray:
    """Loads a numeric array.

    Args:
        raw: a path to .npy, .npz (first array, or ``npz_key``) or .csv (comma separated, an optional
            header row), a numpy array or a torch tensor (float16/bfloat16 become float32).
        npz_key: the array to take from an .npz file.

    Raises:
        InputError: missing or corrupt file, unsupported extension, non-numeric content, a CSV without rows.
    """
    if is_tensor(raw):
        return tensor_to_numpy(raw)
    if isinstance(raw, np.ndarray):
        return raw
    if not isinstance(raw, (str, os.PathLike)):
        raise InputError(f"unsupported input type {type(raw).__name__}: give a path or an array")
    path = os.fspath(raw)
    if not os.path.isfile(path):
        raise InputError("file not found")
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".npy":
            return np.load(path, allow_pickle=False)
        if ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                if not z.files:
                    raise InputError("the .npz file holds no array")
                key = npz_key or z.files[0]
                if key not in z.files:
                    raise InputError(f"the .npz file has no array '{key}' (has: {', '.join(z.files)})")
                return z[key]
        if ext == ".csv":
            return _read_csv(path)
    except InputError:
        raise
    except (ValueError, OSError, EOFError) as exc:
        raise InputError(f"cannot read the array ({exc})") from None
    raise InputError(f"unsupported file type '{ext}': use .npy, .npz or .csv")


def _read_csv(path: str) -> np.ndarray:
    """Comma-separated numbers, (rows, columns) float64; a first row that is not numeric is a header."""
    with open(path) as f:
        lines = [line for line in f if line.strip()]
    if lines and not _is_numeric_row(lines[0]):
        lines = lines[1:]
    if not lines:
        raise InputError("the CSV file holds no rows (empty, or a header only)")
    return np.loadtxt(lines, delimiter=",", dtype=np.float64, ndmin=2)


def _is_numeric_row(line: str) -> bool:
    try:
        [float(x) for x in line.strip().split(",") if x.strip()]
        return bool(line.strip())
    except ValueError:
        return False
