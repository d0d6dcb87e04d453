"""Torch tensors to numpy arrays, without importing torch."""

from __future__ import annotations

from typing import Any

import numpy as np


def is_tensor(raw: Any) -> bool:
    """True for a torch tensor (or anything with ``detach`` and ``numpy``)."""
    return hasattr(raw, "detach") and hasattr(raw, "numpy")


def tensor_to_numpy(tensor: Any) -> np.ndarray:
    """Detaches, moves to CPU and converts; 16-bit floats (float16, bfloat16) become float32 first."""
    tensor = tensor.detach().cpu()
    if tensor.is_floating_point() and tensor.element_size() == 2:
        tensor = tensor.float()  # numpy has no bfloat16; float16 is widened alike for one rule
    return tensor.numpy()
