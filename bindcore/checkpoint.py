"""Model directories: safetensors weights per modality, the resolved config and the plugin versions.

Layout::

    MODEL_DIR/
      bindcore.json            format, embed dim, per modality: type, plugin, plugin version, weights file
      config.yaml              the resolved model config (every setting spelled out)
      weights/<name>.safetensors
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch
import yaml

from bindcore.errors import CheckpointError, ConfigError
from bindcore.model import BindModel, build_model, warn_untrained
from bindcore.versioned_json import read_versioned_json

FORMAT = 1
META_FILE = "bindcore.json"


def is_model_dir(path: str | os.PathLike) -> bool:
    return (Path(path) / META_FILE).is_file()


class ModelDirWriter:
    """Writes a model directory one modality at a time into a temporary folder, renamed into place at the end.

    Example:
        >>> with ModelDirWriter(path, embed_dim=256) as w:  # doctest: +SKIP
        ...     w.add("audio", "audio", state_dict, plugin="audio", plugin_version="0.1.0")
        ...     w.finish(config)
    """

    def __init__(self, directory: str | os.PathLike, embed_dim: int):
        self.directory = Path(directory)
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.directory.name}.", dir=self.directory.parent))
        (self.tmp / "weights").mkdir()
        self.meta: dict[str, Any] = {"format": FORMAT, "embed_dim": embed_dim, "modalities": {}}

    def add(self, name: str, type_name: str, state: dict[str, torch.Tensor], *, plugin: str, plugin_version: str) -> None:
        """Writes one modality's weights (safetensors)."""
        from safetensors.torch import save_file

        state = {k: v.detach().to("cpu").contiguous() for k, v in state.items()}
        save_file(state, str(self.tmp / "weights" / f"{name}.safetensors"))
        self.meta["modalities"][name] = {"type": type_name, "plugin": plugin, "plugin_version": plugin_version,
                                         "file": f"weights/{name}.safetensors"}

    def finish(self, config: dict[str, Any]) -> Path:
        """Writes the config and metadata, then moves the folder into place (replacing an older one)."""
        (self.tmp / META_FILE).write_text(json.dumps(self.meta, indent=2) + "\n")
        (self.tmp / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        if self.directory.exists():
            backup = self.directory.with_name(self.directory.name + ".old")
            shutil.rmtree(backup, ignore_errors=True)
            self.directory.rename(backup)
            self.tmp.rename(self.directory)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            self.tmp.rename(self.directory)
        return self.directory

    def __enter__(self) -> "ModelDirWriter":
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def plugin_of(host, type_name: str) -> tuple[str, str]:
    """(plugin name, version) that registered a modality type."""
    if type_name not in host.modalities:
        return "?", "?"
    plugin = host.modalities.source(type_name)
    return plugin, host.plugins[plugin].version if plugin in host.plugins else "?"


def save_model(model: BindModel, directory: str | os.PathLike) -> Path:
    """Writes ``model`` to ``directory`` atomically (safetensors per modality, config, plugin versions)."""
    from bindcore.plugin_host import default_host

    host = default_host()
    with ModelDirWriter(directory, model.embed_dim) as writer:
        for name, modality in model.modalities.items():
            plugin, version = plugin_of(host, modality.spec.name)
            writer.add(name, modality.spec.name, modality.state_dict(), plugin=plugin, plugin_version=version)
        return writer.finish(model.config)


def read_meta(directory: str | os.PathLike) -> dict[str, Any]:
    """Reads bindcore.json of a model directory."""
    return read_versioned_json(Path(directory) / META_FILE, FORMAT, CheckpointError,
                               f"{directory} is not a bindcore model directory (no {META_FILE})")


def load_state(module: torch.nn.Module, state: dict[str, torch.Tensor], what: str) -> None:
    """Loads ``state`` into ``module`` (assigning tensors), with one clear message on any mismatch."""
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(
            f"{what}: the weights do not match the architecture: "
            f"{len(missing)} missing ({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}), "
            f"{len(unexpected)} unexpected ({', '.join(unexpected[:5])}{', ...' if len(unexpected) > 5 else ''})")
    for key, tensor in state.items():
        if tuple(expected[key].shape) != tuple(tensor.shape):
            raise CheckpointError(f"{what}: '{key}' has shape {tuple(tensor.shape)} in the weights "
                                  f"but {tuple(expected[key].shape)} in the model")
    module.load_state_dict(state, strict=True, assign=True)


def load_weights(model: BindModel, directory: Path, meta: dict[str, Any], *, device: str | torch.device = "cpu") -> None:
    """Assigns each of ``model``'s modalities its safetensors weights from a model directory.

    Raises:
        CheckpointError: a weights file is missing, corrupt or does not match the architecture.
    """
    from safetensors.torch import load_file

    for name, modality in model.modalities.items():
        file = Path(directory) / meta["modalities"][name]["file"]
        try:
            state = load_file(str(file), device=str(device))
        except FileNotFoundError:
            raise CheckpointError(f"{file} is missing") from None
        except Exception as exc:  # safetensors raises its own error types on corrupt files
            raise CheckpointError(f"{file} is corrupt: {exc}") from None
        load_state(modality, state, str(file))


def load_model(source: str | os.PathLike, *, modalities: list[str] | None = None, seed: int | None = None,
               host=None, device: str | torch.device = "cpu", low_memory: bool = False) -> BindModel:
    """Loads a saved model directory, or builds a preset with random weights.

    Args:
        source: a model directory (written by ``model.save``) or a preset name such as "tiny".
        modalities: load only these modalities; the others' weights are never read.
        seed: initialisation seed for a preset.
        host: the PluginHost (default: the process's).
        device: where the weights go.
        low_memory: inference only: release each module's memory-mapped weights from the process after it
            runs, so resident memory holds about one module's weights instead of all of them (the next pass
            maps them back from the page cache). The weights get requires_grad=False, and training, or
            weights written in place, raise WeightPagingError (bindcore/weight_paging.py). Needs a model
            directory on the CPU under Linux; otherwise a warning says it has no effect.

    Raises:
        CheckpointError: the directory is corrupt or needs plugins that are not installed.
        ConfigError: unknown preset or invalid configuration.

    Example:
        >>> model = bindcore.load_model("tiny", seed=0)  # doctest: +SKIP
        >>> model.embed({"text": ["a dog"]})["text"].shape  # doctest: +SKIP
        torch.Size([1, 256])
    """
    from bindcore.plugin_host import default_host

    host = host or default_host()
    path = Path(source)
    if is_model_dir(path / "checkpoint"):  # a training run directory
        path = path / "checkpoint"
    if not is_model_dir(path):
        if path.exists() and path.is_dir():
            raise CheckpointError(f"{path} is not a bindcore model directory (no {META_FILE}); "
                                  "a run directory holds one under checkpoint/")
        model = build_model(str(source), modalities=modalities, host=host, seed=seed, device=device)
        warn_untrained(str(source))
        return _page_weights(model.eval(), str(source)) if low_memory else model.eval()
    meta = read_meta(path)
    if modalities is not None:
        from bindcore.registry import did_you_mean

        held = list(meta["modalities"])
        for name in modalities:
            if name not in meta["modalities"]:
                raise CheckpointError(f"{path} holds no modality '{name}'{did_you_mean(name, held)} (it holds: {', '.join(held)})")
    wanted = {n: m for n, m in meta["modalities"].items() if modalities is None or n in modalities}
    missing = {m["type"]: m for m in wanted.values() if m["type"] not in host.modalities}
    if missing:
        needs = ", ".join(f"'{t}' (from plugin {m['plugin']} {m['plugin_version']})" for t, m in missing.items())
        raise CheckpointError(f"{path} needs modalities that no installed plugin provides: {needs}. "
                              f"Install the plugins (e.g. pip install bindcore-<name>) and check `bindcore plugins`.")
    try:
        config = yaml.safe_load((path / "config.yaml").read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise CheckpointError(f"{path}/config.yaml is missing or corrupt: {exc}") from None
    try:
        model = build_model(config, modalities=modalities, host=host, device="meta")
    except ConfigError as exc:
        raise CheckpointError(f"{path}: the saved config does not validate with the installed plugins: {exc}") from None
    load_weights(model, path, meta, device=device)
    return _page_weights(model.eval(), str(path)) if low_memory else model.eval()


def _page_weights(model: BindModel, what: str) -> BindModel:
    """Registers low-memory weight paging on each modality (see bindcore.weight_paging)."""
    from bindcore.weight_paging import enable_weight_paging

    for name, modality in model.modalities.items():
        enable_weight_paging(modality, f"{what} ({name})")
    return model
