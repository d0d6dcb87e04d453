"""The temperature kept apart from the embedding: a fixed or learnable logit scale."""

from __future__ import annotations

import math

import torch
from torch import nn


class LogitScale(nn.Module):
    """exp(log_scale) clipped to ``max_value``; a buffer when fixed, a parameter when learnable.

    Args:
        init: the starting scale (1 means no scaling).
        learnable: train it.
        max_value: upper clip (ImageBind and CLIP use 100).
    """

    def __init__(self, init: float = 1.0, learnable: bool = False, max_value: float = 100.0):
        super().__init__()
        self.max_value = max_value
        value = torch.tensor(math.log(init))
        if learnable:
            self.log_scale = nn.Parameter(value)
        else:
            self.register_buffer("log_scale", value)

    def forward(self) -> torch.Tensor:
        return self.log_scale.exp().clamp(max=self.max_value)  # ()


def build_logit_scale(cfg) -> LogitScale:
    """The logit scale of a ModalityConfig (1 and fixed when ``cfg.logit_scale`` is None)."""
    if cfg.logit_scale is None:
        return LogitScale(1.0, cfg.logit_scale_learnable, cfg.logit_scale_max)
    return LogitScale(cfg.logit_scale, cfg.logit_scale_learnable, cfg.logit_scale_max)
