"""Recipes: which parameters train in a stage and the loss of one micro-step.

contrastive: the anchor and its partners all train (CLIP-style image-text).
bind: the anchor is frozen; each partner X trains against it with pairwise InfoNCE (ImageBind-style).
Either way the temperature of pair (anchor, X) is X's logit scale (fixed or learnable by its config).
"""

from __future__ import annotations

import torch

from bindcore.losses import info_nce
from bindcore.train.config import StageConfig


def prepare(model, stage: StageConfig) -> list[torch.nn.Parameter]:
    """Sets requires_grad and train/eval modes for ``stage``; returns the parameters to optimise."""
    trained = set(stage.modalities) | ({stage.anchor} if stage.recipe == "contrastive" else set())
    for name, modality in model.modalities.items():
        modality.requires_grad_(name in trained)
        modality.train(name in trained)
    return [p for p in model.parameters() if p.requires_grad]


def pair_loss(model, stage: StageConfig, partner: str, anchor_batch: torch.Tensor, partner_batch: torch.Tensor) -> torch.Tensor:
    """InfoNCE of one (anchor, partner) micro-batch."""
    anchor = model.modality(stage.anchor)
    if stage.recipe == "bind":
        with torch.no_grad():
            za = anchor(anchor_batch)  # (B, E)
    else:
        za = anchor(anchor_batch)  # (B, E)
    zx = model.modality(partner)(partner_batch)  # (B, E)
    return info_nce(za, zx, model.logit_scale(partner))
