"""Task models: a BindModel plus a trained task head (question answering, a probe), and their files.

A run with a ``task`` stage writes the head next to the model weights::

    RUN_DIR/checkpoint/
      bindcore.json, config.yaml, weights/     the model directory (encoders)
      task_head/head.json                      head name, settings, state (e.g. the class vocabulary), plugin
      task_head/head.safetensors               the head's weights
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import torch

from bindcore.errors import BindcoreError, CheckpointError, ConfigError, InputError

HEAD_DIR = "task_head"
HEAD_META, HEAD_WEIGHTS = "head.json", "head.safetensors"


def build_head(spec, settings, model, state: dict, host) -> torch.nn.Module:
    """Calls ``spec.build``; a BindcoreError keeps its message, naming the head."""
    try:
        return spec.build(settings, model=model, state=state, host=host)
    except InputError:
        raise
    except BindcoreError as exc:
        raise ConfigError(f"task head '{spec.name}': {exc}") from None


def item_tensors(model, head, item: Mapping[str, Any], where: str) -> dict[str, torch.Tensor]:
    """The head's raw inputs of one item, each preprocessed by its modality (InputError names the item)."""
    try:
        raw = head.inputs(item)
    except InputError as exc:
        raise exc.with_item(where) from None
    return {name: model.modality(name).preprocess_one(value, _name(value, f"{where} ({name})")) for name, value in raw.items()}


def _name(value: Any, fallback: str) -> str:
    """A file's path names the item in error messages; anything else is named by its position."""
    if isinstance(value, os.PathLike) or (isinstance(value, str) and len(value) < 4096 and os.path.isfile(value)):
        return str(value)
    return fallback


@dataclass
class Prediction:
    """One prediction: the best class, its probability, and every class's probability."""

    label: str
    probability: float
    probabilities: dict[str, float]


class TaskModel:
    """A BindModel with a trained task head.

    Attributes:
        model: the BindModel (its encoders).
        head: the head module (``classes``, ``inputs``, ``target``, ``group``, ``forward(model, batch)``).
        spec: the TaskHeadSpec that built the head.
        settings: the head's validated settings.
        state: the JSON-able state built from the training data (e.g. the class vocabulary).
    """

    def __init__(self, model, head, spec, settings, state: dict):
        self.model, self.head, self.spec, self.settings, self.state = model, head, spec, settings, state

    @property
    def classes(self) -> list[str]:
        return list(self.head.classes)

    @torch.no_grad()
    def logits(self, items: Sequence[Mapping[str, Any]]) -> torch.Tensor:
        """Raw items (dicts the head reads) -> logits (B, classes)."""
        if len(items) == 0:
            raise InputError("no items were given")
        rows = [item_tensors(self.model, self.head, item, f"item {i}") for i, item in enumerate(items)]
        device = next(self.head.parameters(), torch.empty(0)).device
        batch = {name: torch.stack([r[name] for r in rows]).to(device) for name in rows[0]}
        self.model.eval()
        self.head.eval()
        return self.head(self.model, batch).float()  # (B, C)

    def predict(self, items: Sequence[Mapping[str, Any]], batch_size: int = 64) -> list[Prediction]:
        """Predicts each item's class, in batches of ``batch_size``."""
        out = []
        for start in range(0, len(items), batch_size):
            probs = self.logits(items[start:start + batch_size]).softmax(-1)  # (B, C)
            for row in probs:
                best = int(row.argmax())
                out.append(Prediction(self.classes[best], float(row[best]),
                                      {c: float(p) for c, p in zip(self.classes, row.tolist())}))
        return out

    def save_head(self, directory: str | os.PathLike, *, plugin: str = "?", plugin_version: str = "?") -> Path:
        """Writes head.json and head.safetensors into ``directory``/task_head (inside a model directory)."""
        from safetensors.torch import save_file

        out = Path(directory) / HEAD_DIR
        out.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().to("cpu").contiguous() for k, v in self.head.state_dict().items()}
        save_file(state, str(out / HEAD_WEIGHTS))
        meta = {"name": self.spec.name, "params": self.settings.model_dump(mode="json"), "state": self.state,
                "plugin": plugin, "plugin_version": plugin_version}
        (out / HEAD_META).write_text(json.dumps(meta, indent=2) + "\n")
        return out


def has_head(directory: str | os.PathLike) -> bool:
    return (Path(directory) / HEAD_DIR / HEAD_META).is_file()


def read_head(directory: str | os.PathLike, model, host, device: str | torch.device = "cpu") -> TaskModel:
    """Rebuilds the task head saved in a model directory and loads its weights onto ``model``."""
    from safetensors.torch import load_file

    from bindcore.checkpoint import load_state
    from bindcore.config import validate

    folder = Path(directory) / HEAD_DIR
    try:
        meta = json.loads((folder / HEAD_META).read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{directory} holds no task head ({HEAD_DIR}/{HEAD_META}); "
                              "train one with a stage whose recipe is 'task'") from None
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{folder / HEAD_META} is corrupt: {exc}") from None
    if meta["name"] not in host.task_heads:
        raise CheckpointError(f"{directory} needs the task head '{meta['name']}' (from plugin {meta.get('plugin', '?')} "
                              f"{meta.get('plugin_version', '?')}), which no installed plugin provides; install it "
                              "and check `bindcore plugins`")
    spec = host.task_heads.get(meta["name"])
    settings = validate(spec.Config, meta["params"], f"{HEAD_DIR}.params")
    head = build_head(spec, settings, model, meta.get("state", {}), host)
    try:
        weights = load_file(str(folder / HEAD_WEIGHTS), device=str(device))
    except FileNotFoundError:
        raise CheckpointError(f"{folder / HEAD_WEIGHTS} is missing") from None
    except Exception as exc:  # safetensors raises its own error types on corrupt files
        raise CheckpointError(f"{folder / HEAD_WEIGHTS} is corrupt: {exc}") from None
    load_state(head, weights, str(folder / HEAD_WEIGHTS))
    return TaskModel(model, head.to(device).eval(), spec, settings, meta.get("state", {}))


def load_task_model(source: str | os.PathLike, *, host=None, device: str | torch.device = "cpu"):
    """Loads a run (or model) directory trained with a task head.

    Returns what the head's plugin makes of the TaskModel (``TaskHeadSpec.wrap``), e.g. an object with
    an ``answer`` method; a plain :class:`TaskModel` (``predict``) otherwise.

    Raises:
        CheckpointError: no task head, or its plugin is not installed.

    Example:
        >>> vqa = bindcore.load_task_model("runs/vqa_shapeworld")  # doctest: +SKIP
        >>> vqa.answer("scene.png", "what colour is the square?")  # doctest: +SKIP
    """
    from bindcore.checkpoint import load_model
    from bindcore.plugin_host import default_host

    host = host or default_host()
    path = Path(source)
    folder = path / "checkpoint" if has_head(path / "checkpoint") else path
    if not has_head(folder):
        raise CheckpointError(f"{source} holds no task head (no checkpoint/{HEAD_DIR}/{HEAD_META}); train one with a "
                              "stage whose recipe is 'task', e.g. configs/train/vqa_shapeworld.yaml")
    task = read_head(folder, load_model(folder, host=host, device=device), host, device)
    return task.spec.wrap(task) if task.spec.wrap else task
