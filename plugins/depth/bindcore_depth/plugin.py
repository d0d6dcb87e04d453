"""Registers the depth modality with bindcore."""

from __future__ import annotations

import numpy as np

from bindcore import ModalitySpec, hookimpl
from bindcore.specs import ForeignFormat

from bindcore_depth.config import DepthConfig
from bindcore_depth.encoder import build_stem
from bindcore_depth.preview import ACCEPTS, preview


def dummy_raw(cfg: DepthConfig) -> list:
    rng = np.random.default_rng(0)
    metres = rng.uniform(0.5, 8.0, (48, 64)).astype(np.float32)
    metres[:8, :8] = 0.0  # a hole of invalid pixels
    millimetres = rng.integers(400, 6000, (40, 40), dtype=np.uint16)
    return [metres, millimetres]


def imagebind_settings(kw: dict) -> dict:
    """ImageBindModel arguments -> DepthConfig params (defaults: imagebind_huge)."""
    from bindcore.compat.imagebind import trunk_settings

    return {**trunk_settings(kw, "depth", width=384, blocks=12, heads=8),
            "patch_size": kw.get("depth_kernel_size", 16), "image_size": 224, "bias_kv": True, "logit_scale": 5.0}


def imagebind_format() -> ForeignFormat:
    from bindcore.compat.imagebind import head_rules, stem_rules

    return ForeignFormat("depth", imagebind_settings, stem_rules("depth_stem") + head_rules())


def build_preprocessor(cfg: DepthConfig):
    from bindcore_depth.preprocess import DepthPreprocessor  # heavy decoders load on first use

    return DepthPreprocessor(cfg)


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="depth",
        Config=DepthConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="depth maps (16-bit PNG in mm, .npy/.npz in m, arrays) as disparity: ViT with a Conv2d patch stem",
        item_ndim=3,
        foreign={"imagebind": imagebind_format()},
        accepts=ACCEPTS,
        preview=preview,
    ))
