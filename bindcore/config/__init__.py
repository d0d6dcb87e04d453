"""Configuration: pydantic schemas, YAML files, overrides and preset lookup."""

from bindcore.config.load import apply_overrides, deep_merge, find_preset, load_yaml, preset_names
from bindcore.config.model_config import ModelConfig, expand_presets, resolve_model_config
from bindcore.config.validate import validate

__all__ = ["ModelConfig", "apply_overrides", "deep_merge", "expand_presets", "find_preset", "load_yaml",
           "preset_names", "resolve_model_config", "validate"]
