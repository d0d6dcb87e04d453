"""The depth stem: Conv2d patches of the 1-channel disparity, LayerNorm, CLS token, learned positions."""

from __future__ import annotations

from bindcore.layers import ConvPatchify, ConvStemPatchify, TokenStem

from bindcore_depth.config import DepthConfig

STEM_NORM_EPS = 1e-5  # ImageBind's depth stem uses nn.LayerNorm's default eps (the trunk uses 1e-6)


def build_stem(cfg: DepthConfig) -> TokenStem:
    grid = cfg.image_size // cfg.patch_size
    patchify = ConvStemPatchify if cfg.stem == "conv" else ConvPatchify
    return TokenStem(patchify(1, cfg.width, cfg.patch_size), grid * grid, cfg.width, norm=True, eps=STEM_NORM_EPS)
