"""The image stem: a still repeated to T frames, Conv3d patches (or a conv stem), CLS token, learned positions."""

from __future__ import annotations

from bindcore.layers import ConvStemPatchify, TokenStem, VideoPatchify

from bindcore_image.config import ImageConfig


def build_stem(cfg: ImageConfig) -> TokenStem:
    grid = cfg.image_size // cfg.patch_size
    if cfg.stem == "conv":
        patchify = ConvStemPatchify(3, cfg.width, cfg.patch_size)
    else:
        patchify = VideoPatchify(3, cfg.width, cfg.frames, cfg.patch_size)
    return TokenStem(patchify, grid * grid, cfg.width, eps=cfg.norm_eps)
