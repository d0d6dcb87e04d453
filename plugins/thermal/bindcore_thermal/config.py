"""Settings of the thermal modality (defaults follow ImageBind's thermal tower)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from bindcore import ModalityConfig
from bindcore.layers import check_patch_grid


class ThermalConfig(ModalityConfig):
    """Thermal preprocessing and stem settings on top of the shared trunk settings.

    ImageBind ships no thermal loader; users report better LLVIP accuracy with plain [0, 1] intensities than
    with a normalisation (ImageBind PR #73 discussion, [unverified]), hence ``normalize=False``.
    """

    image_size: int = Field(224, gt=0, description="side of the square centre crop")
    patch_size: int = Field(16, gt=0, description="ViT patch size")
    stem: Literal["patch", "conv"] = Field(
        "patch", description="patch: one strided convolution (ImageBind); conv: stride-2 3x3 convolutions first, "
                             "which learn small shapes in far fewer steps (patch_size a power of two)")
    resample: Literal["bicubic", "bilinear", "nearest"] = Field("bicubic", description="resize filter")
    normalize: bool = Field(False, description="standardise intensities with mean/std (both then required)")
    mean: Optional[float] = Field(None, description="intensity mean in [0, 1] units")
    std: Optional[float] = Field(None, gt=0, description="intensity std in [0, 1] units")
    bias_kv: bool = True
    logit_scale: float = Field(10.0, gt=0, description="fixed temperature multiplier (ImageBind thermal: 10)")

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        check_patch_grid(self.image_size, self.patch_size, self.stem)
        if self.normalize and (self.mean is None or self.std is None):
            raise ValueError("normalize=True needs both mean and std")
