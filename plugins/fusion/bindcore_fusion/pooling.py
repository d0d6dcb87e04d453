"""Shared by the pooled fusions: one vector per input, whatever the input's rank."""

from __future__ import annotations

import torch

from bindcore import InputError
from bindcore.layers import masked_mean


def pooled(name: str, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """(B, D) as is; (B, N, D) tokens -> their (masked) mean (B, D)."""
    if x.ndim == 2:
        return x  # (B, D)
    if x.ndim == 3:
        return masked_mean(x, mask)  # (B, D)
    raise InputError(f"fusion input '{name}' must be (B, D) or (B, N, D), got shape {tuple(x.shape)}")
