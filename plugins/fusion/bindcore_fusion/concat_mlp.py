"""Late fusion: concatenate pooled vectors and run an MLP (the classic baseline)."""

from __future__ import annotations

from typing import Mapping

import torch
from torch import nn

from bindcore import InputError

from bindcore_fusion.config import ConcatMLPConfig
from bindcore_fusion.pooling import pooled


class ConcatMLP(nn.Module):
    """[x_1; ...; x_k] -> LayerNorm -> (Linear -> GELU) x (layers-1) -> Linear -> (B, out_dim).

    Every input named in ``sizes`` must be given, in any order (they are concatenated in ``sizes`` order).
    """

    takes = "pooled"

    def __init__(self, cfg: ConcatMLPConfig, sizes: Mapping[str, int]):
        super().__init__()
        self.names = list(sizes)
        self.out_dim = cfg.out_dim
        width = sum(sizes.values())
        layers: list[nn.Module] = [nn.LayerNorm(width)]
        for _ in range(cfg.layers - 1):
            layers += [nn.Linear(width, cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout)]
            width = cfg.hidden
        layers.append(nn.Linear(width, cfg.out_dim))
        self.mlp = nn.Sequential(*layers)

    def forward(self, features: Mapping[str, torch.Tensor], masks: Mapping[str, torch.Tensor] | None = None) -> torch.Tensor:
        missing = [n for n in self.names if features.get(n) is None]
        if missing:
            raise InputError(f"concat_mlp needs every input; missing: {', '.join(missing)} (use 'gated' to allow gaps)")
        x = torch.cat([pooled(n, features[n], (masks or {}).get(n)) for n in self.names], dim=-1)  # (B, sum D)
        return self.mlp(x)  # (B, out_dim)


def build(cfg: ConcatMLPConfig, sizes: Mapping[str, int]) -> ConcatMLP:
    return ConcatMLP(cfg, sizes)
