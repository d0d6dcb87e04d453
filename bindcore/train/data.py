"""Training batches: every modality of a stage preprocessed in DataLoader workers, batches fixed by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from bindcore.data.workers import single_thread_worker
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


class StageDataset(Dataset):
    """Item i -> ({modality: tensor} for the stage's modalities the item holds, [reasons for the others])."""

    def __init__(self, base, modalities: list):
        self.base, self.modalities = base, modalities

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int):
        item = self.base[i]
        where = f"item {item.get('_id', i)}" + (f" (line {item['_line']})" if "_line" in item else "")
        tensors, problems = {}, []
        for modality in self.modalities:
            raw = item.get(modality.name)
            if raw is None:
                continue  # the item does not pair this modality (a mixed manifest): not an error
            try:
                tensors[modality.name] = modality.preprocess_one(raw)
            except InputError as exc:
                problems.append(f"{where}: {exc}")
        return tensors, problems


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
class StageBatch:
    """One micro-batch: per modality, the stacked tensors and the batch rows they belong to."""

    tensors: dict[str, torch.Tensor]
    rows: dict[str, list[int]]
    skipped: list[str] = field(default_factory=list)

    def pair(self, anchor: str, partner: str) -> tuple[list[int], list[int]]:
        """Positions in the anchor's and the partner's tensors of the rows that hold both."""
        a = {row: i for i, row in enumerate(self.rows.get(anchor, []))}
        x = {row: i for i, row in enumerate(self.rows.get(partner, []))}
        common = sorted(a.keys() & x.keys())
        return [a[r] for r in common], [x[r] for r in common]


def collate(rows: list[Any]) -> StageBatch:
    tensors: dict[str, list[torch.Tensor]] = {}
    positions: dict[str, list[int]] = {}
    skipped: list[str] = []
    for row, (item, problems) in enumerate(rows):
        if problems:  # a bad value drops the whole item, so no pair sees half of it
            skipped += problems
            continue
        for name, tensor in item.items():
            tensors.setdefault(name, []).append(tensor)
            positions.setdefault(name, []).append(row)
    return StageBatch({k: torch.stack(v) for k, v in tensors.items()}, positions, skipped)


def stage_loader(model, data: DataConfig, host, modalities: list[str], *, seed: int, start: int, stop: int,
                 rank: int = 0, world: int = 1) -> DataLoader:
    """A DataLoader yielding one StageBatch of ``modalities`` per micro-step in [start, stop)."""
    base = build_dataset(data, host, only=modalities)
    dataset = StageDataset(base, [model.modality(m) for m in modalities])
    sampler = StepSampler(len(base), data.batch_size, seed, start, stop, rank, world)
    return DataLoader(dataset, batch_sampler=sampler, num_workers=data.num_workers, collate_fn=collate,
                      worker_init_fn=single_thread_worker, generator=torch.Generator().manual_seed(seed),
                      persistent_workers=data.num_workers > 0,
                      prefetch_factor=4 if data.num_workers > 0 else None)
