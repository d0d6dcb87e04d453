"""The audio stem: overlapping Conv2d patches over the log-mel image, LayerNorm, CLS token, learned positions."""

from __future__ import annotations

from bindcore.layers import ConvPatchify, TokenStem

from bindcore_audio.config import AudioConfig


def build_stem(cfg: AudioConfig) -> TokenStem:
    """(B, 1, mel, frames) -> (B, 1 + rows * cols, width); the patch grid comes from the settings."""
    rows, cols = cfg.grid  # 12 x 19 with the defaults
    patchify = ConvPatchify(1, cfg.width, cfg.patch_size, cfg.patch_stride)
    return TokenStem(patchify, rows * cols, cfg.width, norm=cfg.stem_norm, eps=cfg.stem_norm_eps)
