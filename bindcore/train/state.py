"""Training checkpoints: the model directory plus train_state.pt, written together and atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from bindcore.checkpoint import META_FILE, ModelDirWriter, plugin_of

STATE_FILE = "train_state.pt"


def save_checkpoint(model, directory: Path, state: dict[str, Any], host, task=None) -> None:
    """Writes weights (safetensors), config and ``state`` (optimiser, RNG, position) into one atomic directory.

    A TaskModel ``task`` adds its head (``task_head/``, see :mod:`bindcore.task`).
    """
    with ModelDirWriter(directory, model.embed_dim) as writer:
        for name, modality in model.modalities.items():
            plugin, version = plugin_of(host, modality.spec.name)
            writer.add(name, modality.spec.name, modality.state_dict(), plugin=plugin, plugin_version=version)
        if task is not None:
            plugin = host.task_heads.source(task.spec.name) if task.spec.name in host.task_heads else "?"
            task.save_head(writer.tmp, plugin=plugin, plugin_version=host.plugins[plugin].version if plugin in host.plugins else "?")
        torch.save(state, writer.tmp / STATE_FILE)
        writer.finish(model.config)


def find_checkpoint(directory: Path) -> Path | None:
    """The last complete checkpoint: ``directory``, or its ``.old`` twin if a save was cut between renames."""
    for candidate in (directory, directory.with_name(directory.name + ".old")):
        if (candidate / META_FILE).is_file() and (candidate / STATE_FILE).is_file():
            return candidate
    return None


def load_train_state(directory: Path) -> dict[str, Any]:
    """Reads train_state.pt with ``weights_only=True`` (tensors, numbers and strings only)."""
    return torch.load(directory / STATE_FILE, map_location="cpu", weights_only=True)


def resume_task(directory: Path, model, host, device):
    """The TaskModel saved in a checkpoint (its head rebuilt on ``model``), or None if it holds none."""
    from bindcore.task import has_head, read_head

    return read_head(directory, model, host, device) if has_head(directory) else None
