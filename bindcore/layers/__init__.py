"""Shared neural building blocks: every modality plugin builds from these."""

from bindcore.layers.heads import TokenHead, build_token_head
from bindcore.layers.patch import ConvPatchify, TokenStem, VideoPatchify, WindowPatchify
from bindcore.layers.postprocess import LogitScale, build_logit_scale
from bindcore.layers.transformer import Attention, Block, DropPath, Mlp, Transformer, build_trunk

__all__ = [
    "Attention", "Block", "ConvPatchify", "DropPath", "LogitScale", "Mlp", "TokenHead", "TokenStem",
    "Transformer", "VideoPatchify", "WindowPatchify", "build_logit_scale", "build_token_head", "build_trunk",
]
