"""A colour-mapped PNG of one raw thermal image (cold dark, hot bright), for the search page."""

from __future__ import annotations

from typing import Any

from bindcore.io.preview import colormap_png

from bindcore_thermal.decode import ARRAY_FILES, IMAGE_FILES, read_thermal

ACCEPTS = IMAGE_FILES + ARRAY_FILES


def preview(raw: Any) -> tuple[str, bytes]:
    """(``image/png``, bytes) with the inferno colour map."""
    return colormap_png(read_thermal(raw), cmap="inferno")
