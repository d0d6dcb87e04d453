"""The image stem: a still repeated to T frames, Conv3d patches, CLS token, learned positions."""

from __future__ import annotations

from bindcore.layers import TokenStem, VideoPatchify

from bindcore_image.config import ImageConfig


def build_stem(cfg: ImageConfig) -> TokenStem:
    grid = cfg.image_size // cfg.patch_size
    return TokenStem(VideoPatchify(3, cfg.width, cfg.frames, cfg.patch_size), grid * grid, cfg.width, eps=cfg.norm_eps)
