"""Registers the image modality with bindcore."""

from __future__ import annotations

import numpy as np

from bindcore import ModalitySpec, hookimpl

from bindcore_image.config import ImageConfig
from bindcore_image.encoder import build_stem


def dummy_raw(cfg: ImageConfig) -> list:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), rng.integers(0, 256, (40, 40), dtype=np.uint8)]


def build_preprocessor(cfg: ImageConfig):
    from bindcore_image.preprocess import ImagePreprocessor  # Pillow and torchvision load on first use

    return ImagePreprocessor(cfg)


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
    ))
