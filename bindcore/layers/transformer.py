"""The shared pre-norm transformer trunk (SDPA attention, optional causal mask and bias-kv)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint


class DropPath(nn.Module):
    """Stochastic depth: drops the whole residual branch per sample while training."""

    def __init__(self, p: float = 0.0):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.p == 0.0 or not self.training:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(keep)  # (B, 1, 1)
        return x * mask / keep


class Attention(nn.Module):
    """Multi-head self-attention with packed q/k/v, running on scaled_dot_product_attention.

    Args:
        width: token dimension.
        heads: number of heads.
        bias_kv: append one learned key/value token (ImageBind's ``add_bias_kv``).
    """

    def __init__(self, width: int, heads: int, bias_kv: bool = False):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        if bias_kv:
            self.bias_k = nn.Parameter(torch.zeros(1, 1, width))
            self.bias_v = nn.Parameter(torch.zeros(1, 1, width))
        else:
            self.bias_k = self.bias_v = None

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        B, N, D = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)  # 3 x (B, N, D)
        mask = None
        if self.bias_k is not None:
            k = torch.cat([k, self.bias_k.expand(B, 1, D)], dim=1)  # (B, N+1, D)
            v = torch.cat([v, self.bias_v.expand(B, 1, D)], dim=1)  # (B, N+1, D)
            if causal:  # the extra token is visible to every query
                mask = torch.ones(N, N + 1, dtype=torch.bool, device=x.device).tril_()
                mask[:, -1] = True
                causal = False
        q, k, v = (t.unflatten(-1, (self.heads, -1)).transpose(1, 2) for t in (q, k, v))  # (B, H, N, D/H)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)  # (B, H, N, D/H)
        return self.proj(out.transpose(1, 2).flatten(2))  # (B, N, D)


class Mlp(nn.Module):
    """Linear -> GELU -> Linear."""

    def __init__(self, width: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, width: int, heads: int, mlp_ratio: float = 4.0, drop_path: float = 0.0, bias_kv: bool = False, eps: float = 1e-6):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=eps)
        self.attn = Attention(width, heads, bias_kv)
        self.norm2 = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, int(width * mlp_ratio))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x), causal))  # (B, N, D)
        return x + self.drop_path(self.mlp(self.norm2(x)))  # (B, N, D)


class Transformer(nn.Module):
    """A stack of pre-norm blocks with a linear stochastic-depth ramp.

    Args:
        width, depth, heads, mlp_ratio: the usual sizes.
        drop_path: drop rate of the last block (0 at the first).
        bias_kv: learned extra key/value token in every block.
        pre_norm: a LayerNorm before the first block.
        causal: causal self-attention.
        eps: LayerNorm epsilon.
        checkpoint_activations: recompute each block in backward (saves memory while training).
    """

    def __init__(self, width: int, depth: int, heads: int, mlp_ratio: float = 4.0, drop_path: float = 0.0,
                 bias_kv: bool = False, pre_norm: bool = False, causal: bool = False, eps: float = 1e-6,
                 checkpoint_activations: bool = False):
        super().__init__()
        self.causal = causal
        self.checkpoint_activations = checkpoint_activations
        self.pre_norm = nn.LayerNorm(width, eps=eps) if pre_norm else nn.Identity()
        rates = [drop_path * i / max(depth - 1, 1) for i in range(depth)]
        self.blocks = nn.ModuleList(Block(width, heads, mlp_ratio, r, bias_kv, eps) for r in rates)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pre_norm(x)  # (B, N, D)
        for block in self.blocks:
            if self.checkpoint_activations and self.training and torch.is_grad_enabled():
                x = checkpoint(block, x, self.causal, use_reentrant=False)
            else:
                x = block(x, self.causal)
        return x  # (B, N, D)


def build_trunk(cfg) -> Transformer:
    """Builds the shared transformer from a ModalityConfig."""
    return Transformer(cfg.width, cfg.blocks, cfg.heads, cfg.mlp_ratio, cfg.drop_path, cfg.bias_kv,
                       cfg.pre_norm, cfg.causal, cfg.norm_eps, cfg.checkpoint_activations)
