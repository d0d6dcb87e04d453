"""The text stem (token embedding + learned positions, no CLS) and the end-of-text head."""

from __future__ import annotations

import torch
from torch import nn

from bindcore.layers import TokenStem

from bindcore_text.config import TextConfig


class EndOfTextHead(nn.Module):
    """Pick the token at the end-of-text position -> LayerNorm -> dropout -> linear projection without bias.

    The end-of-text id is the largest id in the vocabulary, so its position is the argmax of the input ids
    (ImageBind's SelectEOSAndProject).

    Args:
        width: trunk width.
        embed_dim: shared embedding size.
        dropout: dropout before the projection.
        eps: LayerNorm epsilon.
    """

    def __init__(self, width: int, embed_dim: int, dropout: float = 0.0, eps: float = 1e-6):
        super().__init__()
        self.norm = nn.LayerNorm(width, eps=eps)
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(width, embed_dim, bias=False)

    def forward(self, tokens: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        eot = inputs.argmax(dim=-1)  # (B,)
        picked = self.norm(tokens[torch.arange(tokens.shape[0], device=tokens.device), eot])  # (B, D)
        return self.proj(self.dropout(picked))  # (B, E)


def build_stem(cfg: TextConfig) -> nn.Module:
    if cfg.tower == "minilm":
        from bindcore_text.minilm import SentenceStem

        return SentenceStem(cfg.width)
    embedding = nn.Embedding(cfg.vocab_size, cfg.width)
    nn.init.normal_(embedding.weight, std=0.02)  # CLIP / ImageBind init
    return TokenStem(embedding, cfg.context_length, cfg.width, cls_token=False, eps=cfg.norm_eps)


def build_head(cfg: TextConfig, embed_dim: int) -> nn.Module:
    if cfg.tower == "minilm":  # one token: LayerNorm, dropout, linear projection
        from bindcore.layers import build_token_head

        return build_token_head(cfg, embed_dim)
    return EndOfTextHead(cfg.width, embed_dim, cfg.head_dropout, cfg.norm_eps)
