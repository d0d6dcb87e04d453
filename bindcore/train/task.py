"""The ``task`` recipe: a registered task head trained with cross-entropy on the model's encoders.

The head (built once from the training split, e.g. its answer vocabulary) reads each dataset item through
``head.inputs(item)`` and ``head.target(item)``; the encoders named in ``stages[].finetune`` train with it,
the others stay frozen (no gradients, eval mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

from bindcore.data.workers import single_thread_worker
from bindcore.errors import InputError
from bindcore.evaluate.protocol import HOLDOUT
from bindcore.task import TaskModel, build_head, item_tensors
from bindcore.train.config import DataConfig, StageConfig, resolve_task_stage
from bindcore.train.data import StepSampler, build_dataset


class TaskDataset(Dataset):
    """Item i -> (tensors the head reads, target class, group, "_holdout" flag or None, [problems]) for a task head."""

    def __init__(self, base, model, head):
        self.base, self.model, self.head = base, model, head

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int):
        item = self.base[i]
        where = f"item {item.get('_id', i)}" + (f" (line {item['_line']})" if "_line" in item else "")
        held = item.get(HOLDOUT)
        try:
            return (item_tensors(self.model, self.head, item, where), self.head.target(item), self.head.group(item),
                    held, [])
        except InputError as exc:
            return {}, -1, "", held, [str(exc) if exc.item else f"{where}: {exc}"]


@dataclass
class TaskBatch:
    """One micro-batch: stacked inputs per modality, target classes (B,), evaluation groups, held-out flags."""

    tensors: dict[str, torch.Tensor]
    targets: torch.Tensor
    groups: list[str]
    held_out: list[Optional[bool]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def collate_task(rows) -> TaskBatch:
    kept = [r for r in rows if not r[4]]
    skipped = [p for r in rows for p in r[4]]
    if not kept:
        raise InputError(f"no usable item in a batch ({len(skipped)} skipped): {skipped[0] if skipped else ''}")
    tensors = {name: torch.stack([r[0][name] for r in kept]) for name in kept[0][0]}
    return TaskBatch(tensors, torch.tensor([r[1] for r in kept], dtype=torch.long), [r[2] for r in kept],
                     [r[3] for r in kept], skipped)


def task_loader(dataset: TaskDataset, batches, num_workers: int = 0) -> DataLoader:
    """A DataLoader of TaskBatch over ``batches`` (lists of indices, e.g. a StepSampler)."""
    return DataLoader(dataset, batch_sampler=batches, num_workers=num_workers, collate_fn=collate_task,
                      worker_init_fn=single_thread_worker, persistent_workers=num_workers > 0,
                      prefetch_factor=4 if num_workers > 0 else None)


def build_task(model, stage: StageConfig, data: DataConfig, host, device) -> TaskModel:
    """Builds the stage's head: its state from the training split (``spec.prepare``), then the module."""
    spec, settings = resolve_task_stage(stage, host, set(model.names), f"stage '{stage.name}'")
    state = spec.prepare(settings, build_dataset(data, host)) if spec.prepare else {}
    head = build_head(spec, settings, model, state, host).to(device)
    return TaskModel(model, head, spec, settings, state)


class TaskRecipe:
    """What the Trainer needs from a task stage: parameters, batches and the loss of one micro-batch."""

    def __init__(self, task: TaskModel, stage: StageConfig, data: DataConfig, host):
        self.task, self.stage, self.data, self.host = task, stage, data, host
        self.module = nn.ModuleDict({"model": task.model, "head": task.head})  # for the optimiser's decay groups

    def prepare(self) -> list[nn.Parameter]:
        """The head and the ``finetune`` encoders train; the other encoders are frozen."""
        for name, modality in self.task.model.modalities.items():
            modality.requires_grad_(name in self.stage.finetune)
            modality.train(name in self.stage.finetune)
        self.task.head.requires_grad_(True).train()
        return [p for p in self.module.parameters() if p.requires_grad]

    def loader(self, *, seed: int, start: int, stop: int, rank: int, world: int):
        dataset = TaskDataset(build_dataset(self.data, self.host), self.task.model, self.task.head)
        batches = StepSampler(len(dataset), self.data.batch_size, seed, start, stop, rank, world)
        return task_loader(dataset, batches, self.data.num_workers)

    def losses(self, batch: TaskBatch, device: torch.device) -> dict[str, torch.Tensor]:
        """The head's own ``losses(model, tensors, targets)`` when it has one, else cross-entropy of its logits."""
        tensors, targets = {k: v.to(device) for k, v in batch.tensors.items()}, batch.targets.to(device)
        if hasattr(self.task.head, "losses"):
            return self.task.head.losses(self.task.model, tensors, targets)
        logits = self.task.head(self.task.model, tensors)  # (B, C)
        return {"task": F.cross_entropy(logits.float(), targets)}

    @staticmethod
    def samples(batch: TaskBatch) -> int:
        return len(batch.targets)
