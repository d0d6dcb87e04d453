"""Settings of the depth modality (defaults follow ImageBind's depth tower and the community disparity recipe)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bindcore import ModalityConfig
from bindcore.layers import check_patch_grid

# Mean/std of ImageBind-style disparity as used by the community (a commented "sun rgb-d imagebind" line in
# LanguageBind's data/process_depth.py; ImageBind issue #107). [unverified]: ImageBind never published them.
DISPARITY_MEAN = 0.0418
DISPARITY_STD = 0.0295
# Kinect v1 focal length in pixels of NYU Depth v2 (fx = 518.857901); Kinect baseline 0.075 m (omnivore #12).
NYU_FOCAL = 518.857
KINECT_BASELINE = 0.075


class DepthConfig(ModalityConfig):
    """Depth preprocessing and stem settings on top of the shared trunk settings.

    The model sees disparity = baseline * focal_length / depth_m (ImageBind and Omnivore train on disparity).
    """

    image_size: int = Field(224, gt=0, description="side of the square centre crop")
    patch_size: int = Field(16, gt=0, description="ViT patch size")
    stem: Literal["patch", "conv"] = Field(
        "patch", description="patch: one strided convolution (ImageBind); conv: stride-2 3x3 convolutions first, "
                             "which learn small shapes in far fewer steps (patch_size a power of two)")
    input: Literal["depth", "disparity"] = Field("depth", description="raw values are metric depth or already disparity")
    png_scale: float = Field(1000.0, gt=0, description="integer samples (16-bit PNG/TIFF, integer arrays) are divided "
                                                       "by this: 1000 turns millimetres into metres")
    baseline: float = Field(KINECT_BASELINE, gt=0, description="stereo baseline in metres (0.095 for RealSense/Xtion)")
    focal_length: float = Field(NYU_FOCAL, gt=0, description="focal length in pixels (default: NYU Depth v2 Kinect)")
    min_depth: float = Field(0.01, gt=0, description="depth is clipped to [min_depth, max_depth] metres (depth input)")
    max_depth: float = Field(50.0, gt=0, description="upper depth clip in metres")
    resample: Literal["bilinear", "nearest"] = Field("bilinear", description="mask-aware resize filter")
    normalize: bool = Field(True, description="standardise valid disparities with mean/std")
    mean: float = Field(DISPARITY_MEAN, description="disparity mean [unverified community value]")
    std: float = Field(DISPARITY_STD, gt=0, description="disparity std [unverified community value]")
    fill_value: float = Field(0.0, description="value of invalid pixels (0, negative, NaN, inf) in the final item")
    bias_kv: bool = True
    logit_scale: float = Field(5.0, gt=0, description="fixed temperature multiplier (ImageBind depth: 5)")

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        check_patch_grid(self.image_size, self.patch_size, self.stem)
        if self.min_depth >= self.max_depth:
            raise ValueError(f"min_depth {self.min_depth} must be below max_depth {self.max_depth}")
