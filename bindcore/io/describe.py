"""A short, human name for a raw item, used in error messages."""

from __future__ import annotations

import os
from typing import Any


def describe(raw: Any) -> str:
    """Returns a path as is, and a short type-and-shape description for anything else."""
    if isinstance(raw, (str, os.PathLike)):
        text = str(raw)
        return text if len(text) <= 80 else text[:77] + "..."
    if isinstance(raw, (bytes, bytearray)):
        return f"<{len(raw)} bytes>"
    shape = getattr(raw, "shape", None)
    if shape is not None:
        return f"<{type(raw).__name__} {tuple(shape)}>"
    return f"<{type(raw).__name__}>"
