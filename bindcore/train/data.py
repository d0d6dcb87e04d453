"""Paired training data: (anchor, partner) items preprocessed in DataLoader workers, batches fixed by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from bindcore.errors import ConfigError, InputError
from bindcore.train.config import DataConfig, resolve_dataset


def build_dataset(data: DataConfig, host, only: list[str] | None = None):
    """Builds the configured dataset split; a dataset whose settings have ``modalities`` renders only ``only``."""
    spec, settings = resolve_dataset(data.dataset, host, "data.dataset")
    if only is not None and "modalities" in type(settings).model_fields:
        settings = settings.model_copy(update={"modalities": list(only)})
    dataset = spec.build(settings, data.split)
    if len(dataset) == 0:
        raise ConfigError(f"dataset '{data.dataset.name}' has no items in split '{data.split}'")
    return dataset


class PairDataset(Dataset):
    """Item i -> (anchor tensor, partner tensor), or the reason it was skipped."""

    def __init__(self, base, anchor, partner):
        self.base, self.anchor, self.partner = base, anchor, partner

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int):
        item = self.base[i]
        where = f"item {item.get('_id', i)}" + (f" (line {item['_line']})" if "_line" in item else "")
        try:
            missing = [m.name for m in (self.anchor, self.partner) if item.get(m.name) is None]
            if missing:
                raise InputError(f"no '{missing[0]}' value")
            return (self.anchor.preprocess_one(item[self.anchor.name]),
                    self.partner.preprocess_one(item[self.partner.name]))
        except InputError as exc:
            return f"{where}: {exc}"


class StepSampler(Sampler):
    """Yields the index batch of every micro-step from ``start`` on; batch k is a pure function of (seed, k).

    With several ranks each takes its slice of the global batch, so a resumed or distributed run sees
    exactly the items an uninterrupted single-process run would.
    """

    def __init__(self, size: int, batch_size: int, seed: int, start: int, stop: int, rank: int = 0, world: int = 1):
        if batch_size % world:
            raise ConfigError(f"batch_size {batch_size} must be divisible by the number of processes ({world})")
        self.size, self.batch_size, self.seed, self.start, self.stop = size, batch_size, seed, start, stop
        self.rank, self.world = rank, world

    def __len__(self) -> int:
        return self.stop - self.start

    def __iter__(self) -> Iterator[list[int]]:
        for k in range(self.start, self.stop):
            rng = np.random.default_rng([self.seed, k])
            batch = rng.choice(self.size, size=self.batch_size, replace=self.size < self.batch_size)
            yield batch[self.rank::self.world].tolist()


@dataclass
class PairBatch:
    """A collated micro-batch and the items skipped from it."""

    anchor: torch.Tensor
    partner: torch.Tensor
    skipped: list[str] = field(default_factory=list)


def collate_pairs(rows: list[Any]) -> PairBatch:
    good = [r for r in rows if not isinstance(r, str)]
    skipped = [r for r in rows if isinstance(r, str)]
    if len(good) < 2:
        raise InputError(f"fewer than two usable pairs in a batch ({len(skipped)} skipped; first: {skipped[:1]})")
    return PairBatch(torch.stack([a for a, _ in good]), torch.stack([b for _, b in good]), skipped)


def pair_loader(model, data: DataConfig, host, anchor: str, partner: str, *, seed: int, start: int, stop: int,
                rank: int = 0, world: int = 1) -> DataLoader:
    """A DataLoader yielding one PairBatch per micro-step in [start, stop)."""
    base = build_dataset(data, host, only=[anchor, partner])
    dataset = PairDataset(base, model.modality(anchor), model.modality(partner))
    sampler = StepSampler(len(base), data.batch_size, seed, start, stop, rank, world)
    return DataLoader(dataset, batch_sampler=sampler, num_workers=data.num_workers, collate_fn=collate_pairs,
                      generator=torch.Generator().manual_seed(seed), persistent_workers=data.num_workers > 0,
                      prefetch_factor=4 if data.num_workers > 0 else None)
