"""Registers the thermal modality with bindcore."""

from __future__ import annotations

import numpy as np

from bindcore import ModalitySpec, hookimpl
from bindcore.specs import ForeignFormat

from bindcore_thermal.config import ThermalConfig
from bindcore_thermal.encoder import build_stem
from bindcore_thermal.preview import ACCEPTS, preview


def dummy_raw(cfg: ThermalConfig) -> list:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (48, 64), dtype=np.uint8),
            rng.integers(0, 65536, (40, 40), dtype=np.uint16),
            rng.uniform(0.0, 1.0, (32, 48)).astype(np.float32)]


def imagebind_settings(kw: dict) -> dict:
    """ImageBindModel arguments -> ThermalConfig params (defaults: imagebind_huge)."""
    from bindcore.compat.imagebind import trunk_settings

    return {**trunk_settings(kw, "thermal", width=768, blocks=12, heads=12),
            "patch_size": kw.get("thermal_kernel_size", 16), "image_size": 224, "bias_kv": True, "logit_scale": 10.0}


def imagebind_format() -> ForeignFormat:
    from bindcore.compat.imagebind import head_rules, stem_rules

    return ForeignFormat("thermal", imagebind_settings, stem_rules("rgbt_stem") + head_rules())


def build_preprocessor(cfg: ThermalConfig):
    from bindcore_thermal.preprocess import ThermalPreprocessor  # heavy decoders load on first use

    return ThermalPreprocessor(cfg)


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="thermal",
        Config=ThermalConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="infrared images (8/16-bit PNG, TIFF, JPEG, arrays) as [0, 1] grey: ViT with a Conv2d patch stem",
        item_ndim=3,
        foreign={"imagebind": imagebind_format()},
        accepts=ACCEPTS,
        preview=preview,
    ))
