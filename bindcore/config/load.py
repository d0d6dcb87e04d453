"""YAML loading, `a.b=c` overrides and preset lookup."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from bindcore.errors import ConfigError
from bindcore.registry import did_you_mean


def config_dirs() -> list[Path]:
    """Where presets are looked up: $BINDCORE_CONFIG_PATH entries, ./configs, then the repository's configs/."""
    dirs = [Path(p) for p in os.environ.get("BINDCORE_CONFIG_PATH", "").split(os.pathsep) if p]
    dirs += [Path.cwd() / "configs", Path(__file__).resolve().parents[2] / "configs"]
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def load_yaml(path: str | os.PathLike) -> dict[str, Any]:
    """Reads a YAML mapping with ``yaml.safe_load``.

    Raises:
        ConfigError: the file is missing, is not valid YAML or is not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def preset_names(kind: str = "models") -> list[str]:
    """Names of the YAML presets under configs/<kind>/."""
    return sorted({p.stem for d in config_dirs() for p in (d / kind).glob("*.yaml")})


def find_preset(name: str, kind: str = "models") -> Path:
    """Resolves a preset name (or a path to a YAML file) to a file.

    Raises:
        ConfigError: no such preset, with the closest name and the known ones.
    """
    if name.endswith((".yaml", ".yml")) and Path(name).is_file():
        return Path(name)
    for d in config_dirs():
        path = d / kind / f"{name}.yaml"
        if path.is_file():
            return path
    known = preset_names(kind)
    raise ConfigError(f"unknown preset '{name}'{did_you_mean(name, known)} (known: {', '.join(known) or 'none'})")


def parse_overrides(items: list[str]) -> list[tuple[list[str], Any]]:
    """Parses ``a.b=c`` strings; the value is read as YAML (numbers, booleans, lists)."""
    parsed = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or any(not part for part in key.split(".")):
            raise ConfigError(f"bad override '{item}': expected dotted.key=value")
        try:
            parsed.append((key.split("."), yaml.safe_load(value) if value else ""))
        except yaml.YAMLError:
            parsed.append((key.split("."), value))
    return parsed


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Returns a copy of ``data`` with every ``a.b=c`` override set.

    Intermediate mappings are created; a numeric key indexes a list (``stages.1.steps=50``).
    """
    data = copy.deepcopy(data)
    for keys, value in parse_overrides(overrides):
        node: Any = data
        for i, key in enumerate(keys):
            dotted = ".".join(keys[: i + 1])
            last = i == len(keys) - 1
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    raise ConfigError(f"override {'.'.join(keys)}: '{dotted}' is not an index of a list of {len(node)}")
                if last:
                    node[int(key)] = value
                else:
                    node = node[int(key)]
            elif isinstance(node, dict):
                if last:
                    node[key] = value
                else:
                    node = node.setdefault(key, {})
            else:
                raise ConfigError(f"override {'.'.join(keys)}: '{'.'.join(keys[:i])}' is not a mapping or a list")
    return data


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Returns ``base`` with ``top`` merged in (mappings merged key by key, other values replaced)."""
    out = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
