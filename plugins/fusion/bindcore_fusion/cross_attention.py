"""Cross-attention fusion: one modality's tokens attend to another's through pre-norm blocks (SDPA)."""

from __future__ import annotations

from typing import Mapping

import torch
from torch import nn

from bindcore import ConfigError, InputError
from bindcore.layers import CrossBlock, masked_mean

from bindcore_fusion.config import CrossAttentionConfig


class CrossAttentionFusion(nn.Module):
    """query tokens -> Linear to ``width`` -> ``layers`` x CrossBlock(context) -> LayerNorm -> pool -> Linear.

    Args:
        cfg: the settings; ``query`` and ``context`` name two of ``sizes``' inputs.
        sizes: input name -> token width.
    """

    takes = "tokens"

    def __init__(self, cfg: CrossAttentionConfig, sizes: Mapping[str, int]):
        super().__init__()
        names = list(sizes)
        self.query = cfg.query or (names[0] if names else None)
        self.context = cfg.context or next((n for n in names if n != self.query), None)
        for role, name in (("query", self.query), ("context", self.context)):
            if name not in sizes:
                raise ConfigError(f"cross_attention: the {role} input {name!r} is not among the inputs ({', '.join(names)})")
        self.pool, self.out_dim = cfg.pool, cfg.out_dim
        self.query_in = nn.Linear(sizes[self.query], cfg.width)
        self.context_in = nn.Linear(sizes[self.context], cfg.width)
        self.blocks = nn.ModuleList(CrossBlock(cfg.width, cfg.heads, cfg.width, cfg.mlp_ratio, cfg.self_attention)
                                    for _ in range(cfg.layers))
        self.norm = nn.LayerNorm(cfg.width)
        self.out = nn.Linear(cfg.width, cfg.out_dim)

    def forward(self, features: Mapping[str, torch.Tensor], masks: Mapping[str, torch.Tensor] | None = None) -> torch.Tensor:
        masks = masks or {}
        for name in (self.query, self.context):
            x = features.get(name)
            if x is None or x.ndim != 3:
                raise InputError(f"cross_attention needs tokens (B, N, D) of '{name}', got "
                                 f"{'nothing' if x is None else tuple(x.shape)}")
        x = self.query_in(features[self.query])  # (B, N, W)
        context = self.context_in(features[self.context])  # (B, M, W)
        for block in self.blocks:
            x = block(x, context, masks.get(self.context), masks.get(self.query))  # (B, N, W)
        x = self.norm(x)  # (B, N, W)
        pooled = x[:, 0] if self.pool == "first" else masked_mean(x, masks.get(self.query))  # (B, W)
        return self.out(pooled)  # (B, out_dim)


def build(cfg: CrossAttentionConfig, sizes: Mapping[str, int]) -> CrossAttentionFusion:
    return CrossAttentionFusion(cfg, sizes)
