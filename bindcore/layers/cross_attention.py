"""Cross-attention: one token set (queries) reads another (context), pre-norm blocks on SDPA."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from bindcore.layers.transformer import DropPath, Mlp


class CrossAttention(nn.Module):
    """Multi-head attention of queries ``x`` over a context, on scaled_dot_product_attention.

    Args:
        width: token dimension of the queries and of the output.
        heads: number of heads.
        context_width: token dimension of the context (default: ``width``).
    """

    def __init__(self, width: int, heads: int, context_width: int | None = None):
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by heads {heads}")
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.kv = nn.Linear(context_width or width, 2 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, context: torch.Tensor, context_mask: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, N, D), context (B, M, C), context_mask (B, M) True where a context token is real -> (B, N, D)."""
        q = self.q(x)  # (B, N, D)
        k, v = self.kv(context).chunk(2, dim=-1)  # 2 x (B, M, D)
        q, k, v = (t.unflatten(-1, (self.heads, -1)).transpose(1, 2) for t in (q, k, v))  # (B, H, *, D/H)
        mask = None if context_mask is None else context_mask[:, None, None, :]  # (B, 1, 1, M)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (B, H, N, D/H)
        return self.proj(out.transpose(1, 2).flatten(2))  # (B, N, D)


class CrossBlock(nn.Module):
    """Pre-norm block: x + self_attn(norm(x)) [optional], x + cross_attn(norm(x), norm(ctx)), x + mlp(norm(x)).

    Masks are key-padding masks (True = a real token): padded queries are never read by the others'
    self-attention, padded context tokens never by the cross-attention.

    Args:
        width: query token dimension.
        heads: attention heads.
        context_width: context token dimension (default: ``width``).
        mlp_ratio: MLP hidden width / width.
        self_attention: let the queries also attend to each other first.
        drop_path: stochastic depth of the residual branches.
        eps: LayerNorm epsilon.
    """

    def __init__(self, width: int, heads: int, context_width: int | None = None, mlp_ratio: float = 4.0,
                 self_attention: bool = True, drop_path: float = 0.0, eps: float = 1e-6):
        super().__init__()
        self.self_norm = nn.LayerNorm(width, eps=eps) if self_attention else None
        self.self_attn = CrossAttention(width, heads) if self_attention else None
        self.norm_q = nn.LayerNorm(width, eps=eps)
        self.norm_context = nn.LayerNorm(context_width or width, eps=eps)
        self.cross_attn = CrossAttention(width, heads, context_width)
        self.norm_mlp = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, int(width * mlp_ratio))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor, context: torch.Tensor, context_mask: torch.Tensor | None = None,
                query_mask: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, N, D), context (B, M, C), masks (B, M) and (B, N) -> (B, N, D)."""
        if self.self_attn is not None:
            h = self.self_norm(x)  # (B, N, D)
            x = x + self.drop_path(self.self_attn(h, h, query_mask))  # (B, N, D)
        x = x + self.drop_path(self.cross_attn(self.norm_q(x), self.norm_context(context), context_mask))  # (B, N, D)
        return x + self.drop_path(self.mlp(self.norm_mlp(x)))  # (B, N, D)


def masked_mean(tokens: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over the tokens where ``mask`` (B, N) is True: (B, N, D) -> (B, D)."""
    if mask is None:
        return tokens.mean(1)  # (B, D)
    weights = mask.to(tokens.dtype).unsqueeze(-1)  # (B, N, 1)
    return (tokens * weights).sum(1) / weights.sum(1).clamp(min=1.0)  # (B, D)
