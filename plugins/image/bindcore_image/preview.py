"""A PNG thumbnail of one raw picture, for the search page."""

from __future__ import annotations

from typing import Any

from bindcore.io import open_image
from bindcore.io.preview import png_thumbnail

ACCEPTS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def preview(raw: Any) -> tuple[str, bytes]:
    """(``image/png``, thumbnail bytes) of a path, bytes, PIL image or array."""
    return png_thumbnail(open_image(raw))
