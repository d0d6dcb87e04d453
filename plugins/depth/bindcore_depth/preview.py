"""A colour-mapped PNG of one raw depth map (near is dark, far is bright), for the search page."""

from __future__ import annotations

from typing import Any

from bindcore.io.preview import colormap_png

from bindcore_depth.decode import ARRAY_FILES, IMAGE_FILES, read_depth

ACCEPTS = IMAGE_FILES + ARRAY_FILES


def preview(raw: Any) -> tuple[str, bytes]:
    """(``image/png``, bytes): the map in sensor units, scaled to its own 1st..99th percentile."""
    return colormap_png(read_depth(raw, png_scale=1.0, allow_8bit=True), cmap="viridis")
