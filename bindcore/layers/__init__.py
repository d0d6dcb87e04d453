"""Shared neural building blocks: every modality plugin builds from these."""

from bindcore.layers.cross_attention import CrossAttention, CrossBlock, masked_mean
from bindcore.layers.heads import TokenHead, build_token_head
from bindcore.layers.patch import (
    ConvPatchify, ConvStemPatchify, TokenStem, VideoPatchify, WindowPatchify, check_patch_grid,
)
from bindcore.layers.postprocess import LogitScale, build_logit_scale
from bindcore.layers.transformer import Attention, Block, DropPath, Mlp, Transformer, build_trunk

__all__ = [
    "Attention", "Block", "ConvPatchify", "ConvStemPatchify", "CrossAttention", "CrossBlock", "DropPath", "LogitScale",
    "Mlp", "TokenHead", "TokenStem", "Transformer", "VideoPatchify", "WindowPatchify", "build_logit_scale",
    "build_token_head", "build_trunk", "check_patch_grid", "masked_mean",
]
