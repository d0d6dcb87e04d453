"""Recipes: which parameters train in a stage and the losses of one micro-batch.

contrastive: the anchor and its partners all train (CLIP-style image-text).
bind: the anchor is frozen; each partner X trains against it with pairwise InfoNCE (ImageBind-style).
Either way the temperature of pair (anchor, X) is X's logit scale (fixed or learnable by its config),
and the anchor is encoded once per micro-batch for all its partners.
"""

from __future__ import annotations

import torch

from bindcore.errors import InputError
from bindcore.losses import info_nce
from bindcore.train.config import StageConfig
from bindcore.train.data import StageBatch


def prepare(model, stage: StageConfig) -> list[torch.nn.Parameter]:
    """Sets requires_grad and train/eval modes for ``stage``; returns the parameters to optimise."""
    trained = set(stage.modalities) | ({stage.anchor} if stage.recipe == "contrastive" else set())
    for name, modality in model.modalities.items():
        modality.requires_grad_(name in trained)
        modality.train(name in trained)
    return [p for p in model.parameters() if p.requires_grad]


def stage_losses(model, stage: StageConfig, batch: StageBatch, device: torch.device) -> dict[str, torch.Tensor]:
    """{partner: InfoNCE of its (anchor, partner) pairs in the batch}.

    Raises:
        InputError: a pair has fewer than two usable rows (nothing to contrast).
    """
    if stage.anchor not in batch.tensors:
        raise InputError(f"no usable '{stage.anchor}' item in a batch ({len(batch.skipped)} skipped)")
    anchor_input = batch.tensors[stage.anchor].to(device)
    with torch.no_grad() if stage.recipe == "bind" else torch.enable_grad():
        za = model.modality(stage.anchor)(anchor_input)  # (B, E)
    losses = {}
    for partner in stage.modalities:
        ia, ix = batch.pair(stage.anchor, partner)
        if len(ia) < 2:
            raise InputError(f"fewer than two usable ({stage.anchor}, {partner}) pairs in a batch "
                             f"({len(batch.skipped)} skipped); check the data or raise data.batch_size")
        zx = model.modality(partner)(batch.tensors[partner][ix].to(device))  # (B, E)
        losses[partner] = info_nce(za[ia], zx, model.logit_scale(partner))
    return losses


class PairRecipe:
    """contrastive and bind as the Trainer drives them: parameters, batches and losses of one stage."""

    def __init__(self, model, stage: StageConfig, data, host):
        self.model, self.stage, self.data, self.host = model, stage, data, host
        self.module = model

    def prepare(self) -> list[torch.nn.Parameter]:
        return prepare(self.model, self.stage)

    def loader(self, *, seed: int, start: int, stop: int, rank: int, world: int):
        from bindcore.train.data import stage_loader

        return stage_loader(self.model, self.data, self.host, [self.stage.anchor, *self.stage.modalities],
                            seed=seed, start=start, stop=stop, rank=rank, world=world)

    def losses(self, batch: StageBatch, device: torch.device) -> dict[str, torch.Tensor]:
        return stage_losses(self.model, self.stage, batch, device)

    def samples(self, batch: StageBatch) -> int:
        return len(batch.rows.get(self.stage.anchor, []))  # items (each paired with every partner)
