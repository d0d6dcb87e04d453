"""The thermal stem: Conv2d patches of the 1-channel image, LayerNorm, CLS token, learned positions."""

from __future__ import annotations

from bindcore.layers import ConvPatchify, ConvStemPatchify, TokenStem

from bindcore_thermal.config import ThermalConfig

STEM_NORM_EPS = 1e-5  # ImageBind's thermal stem uses nn.LayerNorm's default eps (the trunk uses 1e-6)


def build_stem(cfg: ThermalConfig) -> TokenStem:
    grid = cfg.image_size // cfg.patch_size
    patchify = ConvStemPatchify if cfg.stem == "conv" else ConvPatchify
    return TokenStem(patchify(1, cfg.width, cfg.patch_size), grid * grid, cfg.width, norm=True, eps=STEM_NORM_EPS)
