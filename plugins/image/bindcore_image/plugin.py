"""Registers the image modality with bindcore."""

from __future__ import annotations

import numpy as np

from bindcore import ModalitySpec, hookimpl
from bindcore.specs import ForeignFormat

from bindcore_image.config import ImageConfig
from bindcore_image.encoder import build_stem
from bindcore_image.preview import ACCEPTS, preview


def dummy_raw(cfg: ImageConfig) -> list:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), rng.integers(0, 256, (40, 40), dtype=np.uint8)]


def build_preprocessor(cfg: ImageConfig):
    from bindcore_image.preprocess import ImagePreprocessor  # Pillow and torchvision load on first use

    return ImagePreprocessor(cfg)


def imagebind_settings(kw: dict) -> dict:
    """ImageBindModel arguments -> ImageConfig params (defaults: imagebind_huge)."""
    from bindcore.compat.imagebind import trunk_settings

    kernel = kw.get("kernel_size", (2, 14, 14))
    return {**trunk_settings(kw, "vision", width=1280, blocks=32, heads=16), "frames": kernel[0],
            "patch_size": kernel[1], "image_size": 224, "pre_norm": True,
            "exif_transpose": False}  # the official loader ignores EXIF


def imagebind_format() -> ForeignFormat:
    from bindcore.compat.imagebind import head_rules, stem_rules

    return ForeignFormat("vision", imagebind_settings, stem_rules("rgbt_stem") + head_rules())


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="image",
        Config=ImageConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="RGB pictures (JPEG, PNG, WebP, arrays): ViT with a Conv3d patch stem, CLIP normalisation",
        item_ndim=3,
        foreign={"imagebind": imagebind_format()},
        accepts=ACCEPTS,
        preview=preview,
    ))
