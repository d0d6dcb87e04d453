"""Training checkpoints: the model directory plus train_state.pt, written together and atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from bindcore.checkpoint import META_FILE, ModelDirWriter, plugin_of

STATE_FILE = "train_state.pt"


def save_checkpoint(model, directory: Path, state: dict[str, Any], host) -> None:
    """Writes weights (safetensors), config and ``state`` (optimiser, RNG, position) into one atomic directory."""
    with ModelDirWriter(directory, model.embed_dim) as writer:
        for name, modality in model.modalities.items():
            plugin, version = plugin_of(host, modality.spec.name)
            writer.add(name, modality.spec.name, modality.state_dict(), plugin=plugin, plugin_version=version)
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
