"""Any decoded PIL image -> 8-bit RGB, as ImageBind's ``convert("RGB")`` for 8-bit modes."""

from __future__ import annotations

from PIL import Image

from bindcore.io import open_image, read_raster

DEEP_MODES = ("I", "F", "I;16", "I;16L", "I;16B", "I;16N")  # PIL would clip these to 0..255, not scale them


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB; alpha is dropped (the colour under it is kept, as PIL does).

    16-bit grey is scaled by 1/257 and float grey in [0, 1] by 255 (PIL's own conversion would clip them);
    a palette with transparency goes through RGBA so that PIL does not warn.

    Raises:
        InputError: a float image outside [0, 1], or a 32-bit integer one beyond the 16-bit range.
    """
    if image.mode in DEEP_MODES:
        image = open_image(read_raster(image))  # samples scaled to 8 bits by their type
    elif image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    return image.convert("RGB")
