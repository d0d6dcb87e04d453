"""Settings of the image modality (defaults follow ImageBind's vision tower)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bindcore import ModalityConfig
from bindcore.layers import check_patch_grid

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


class ImageConfig(ModalityConfig):
    """Image preprocessing and stem settings on top of the shared trunk settings."""

    image_size: int = Field(224, gt=0, description="side of the square centre crop")
    patch_size: int = Field(14, gt=0, description="ViT patch size")
    stem: Literal["patch", "conv"] = Field(
        "patch", description="patch: one strided convolution (ImageBind); conv: stride-2 3x3 convolutions first, "
                             "which learn small shapes in far fewer steps (patch_size a power of two)")
    frames: int = Field(2, ge=1, description="a still is repeated to this many frames (Conv3d stem, as ImageBind)")
    resample: str = Field("bicubic", pattern="^(bicubic|bilinear|nearest)$", description="resize filter")
    exif_transpose: bool = Field(True, description="turn photos by their EXIF orientation (the official ImageBind loader does not)")
    mean: tuple[float, float, float] = CLIP_MEAN
    std: tuple[float, float, float] = CLIP_STD
    pre_norm: bool = True

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        check_patch_grid(self.image_size, self.patch_size, self.stem)
