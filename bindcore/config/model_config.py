"""The model configuration: shared embedding size plus one settings block per modality."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from bindcore.config.load import deep_merge, find_preset, load_yaml
from bindcore.config.validate import validate
from bindcore.errors import BindcoreError, ConfigError
from bindcore.specs import ModalityConfig, ModalitySpec, StrictModel


class ModelConfig(StrictModel):
    """Structure of a model preset (phase 1). Each modality's block is checked by its plugin (phase 2).

    Attributes:
        preset: a preset to start from; the keys given here override it.
        embed_dim: size of the shared embedding space.
        modalities: instance name -> settings; ``type`` picks the registered modality (default: the name).
    """

    preset: str | None = None
    embed_dim: int = Field(256, gt=0)
    modalities: dict[str, dict[str, Any]] = Field(default_factory=dict)


def expand_presets(data: dict[str, Any], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Merges the chain of ``preset:`` references under ``data`` and drops the key."""
    name = data.get("preset")
    if not name:
        return {k: v for k, v in data.items() if k != "preset"}
    if name in seen:
        raise ConfigError(f"preset cycle: {' -> '.join(seen + (name,))}")
    base = expand_presets(load_yaml(find_preset(name)), seen + (name,))
    return deep_merge(base, {k: v for k, v in data.items() if k != "preset"})


def resolve_model_config(data: dict[str, Any] | str, host, modalities: list[str] | None = None, where: str = "model"
                         ) -> tuple[ModelConfig, dict[str, tuple[ModalitySpec, ModalityConfig]]]:
    """Phase 1 and phase 2 validation of a model configuration.

    Args:
        data: a mapping, or a preset name or YAML path.
        host: the PluginHost whose registries hold the modality specs.
        modalities: keep only these instances (all when None).
        where: dotted prefix for error messages.

    Returns:
        (the structural config with presets expanded, {instance name: (spec, validated settings)})
    """
    if isinstance(data, str):
        data = {"preset": data}
    cfg = validate(ModelConfig, expand_presets(data), where)
    if not cfg.modalities:
        raise ConfigError(f"{where}.modalities: the model has no modalities")
    names = list(cfg.modalities) if modalities is None else list(modalities)
    missing = [m for m in names if m not in cfg.modalities]
    if missing:
        raise ConfigError(f"the model has no modality {', '.join(map(repr, missing))} (it has: {', '.join(cfg.modalities)})")
    resolved = {}
    for name in names:
        params = dict(cfg.modalities[name] or {})
        type_name = params.pop("type", name)
        try:
            spec = host.modalities.get(type_name)
        except BindcoreError as exc:
            raise ConfigError(f"{where}.modalities.{name}: {exc}") from None
        resolved[name] = (spec, validate(spec.Config, params, f"{where}.modalities.{name}"))
    return cfg, resolved
