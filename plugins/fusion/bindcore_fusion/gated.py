"""Gated fusion: each modality is projected and scored; the present ones are mixed by softmax of their scores."""

from __future__ import annotations

from typing import Mapping

import torch
from torch import nn

from bindcore import InputError

from bindcore_fusion.config import GatedConfig
from bindcore_fusion.pooling import pooled


class GatedFusion(nn.Module):
    """sum_m softmax_m(gate_m(x_m)) * proj_m(x_m) over the inputs present (absent or None ones drop out).

    A missing modality changes nothing but the mix: the output keeps its scale, so one trained with all
    inputs still works with any non-empty subset.
    """

    takes = "pooled"

    def __init__(self, cfg: GatedConfig, sizes: Mapping[str, int]):
        super().__init__()
        self.out_dim = cfg.out_dim
        self.norms = nn.ModuleDict({n: nn.LayerNorm(d) for n, d in sizes.items()})
        self.projs = nn.ModuleDict({n: nn.Linear(d, cfg.out_dim) for n, d in sizes.items()})
        self.gates = nn.ModuleDict({n: nn.Linear(d, 1) for n, d in sizes.items()})
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, features: Mapping[str, torch.Tensor], masks: Mapping[str, torch.Tensor] | None = None) -> torch.Tensor:
        unknown = [n for n in features if n not in self.projs]
        if unknown:
            raise InputError(f"gated fusion was built for {', '.join(self.projs)}; unknown input {', '.join(unknown)}")
        present = [n for n in self.projs if features.get(n) is not None]
        if not present:
            raise InputError("gated fusion needs at least one input")
        xs = [self.norms[n](pooled(n, features[n], (masks or {}).get(n))) for n in present]  # k x (B, D_m)
        scores = torch.cat([self.gates[n](x) for n, x in zip(present, xs)], dim=-1)  # (B, k)
        weights = scores.softmax(-1)  # (B, k)
        values = torch.stack([self.projs[n](x) for n, x in zip(present, xs)], dim=1)  # (B, k, out)
        return self.dropout((weights.unsqueeze(-1) * values).sum(1))  # (B, out)


def build(cfg: GatedConfig, sizes: Mapping[str, int]) -> GatedFusion:
    return GatedFusion(cfg, sizes)
