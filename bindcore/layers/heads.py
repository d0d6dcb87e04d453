"""Heads: trunk tokens -> one vector in the shared embedding space."""

from __future__ import annotations

import torch
from torch import nn


class TokenHead(nn.Module):
    """LayerNorm -> pick one token -> dropout -> linear projection without bias.

    Args:
        width: trunk width.
        embed_dim: shared embedding size.
        index: which token to pick (0 is the CLS token).
        dropout: dropout before the projection.
        eps: LayerNorm epsilon.
    """

    def __init__(self, width: int, embed_dim: int, index: int = 0, dropout: float = 0.0, eps: float = 1e-6):
        super().__init__()
        self.index = index
        self.norm = nn.LayerNorm(width, eps=eps)
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(width, embed_dim, bias=False)

    def forward(self, tokens: torch.Tensor, inputs: torch.Tensor | None = None) -> torch.Tensor:
        picked = self.norm(tokens[:, self.index])  # (B, D)
        return self.proj(self.dropout(picked))  # (B, E)


def build_token_head(cfg, embed_dim: int) -> TokenHead:
    """The default head for a ModalityConfig: CLS token, ``cfg.head_dropout``, no bias."""
    return TokenHead(cfg.width, embed_dim, 0, cfg.head_dropout, cfg.norm_eps)
