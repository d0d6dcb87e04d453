"""The manifest: one JSON object (JSONL) or CSV row per example, keyed by modality name.

Reserved columns: ``id`` (defaults to the line number), ``label`` and ``split``. Every other column
names a modality; its value is a raw item (a path, relative to the manifest's folder, or a text).
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bindcore.errors import ConfigError, InputError

RESERVED = ("id", "label", "split")


@dataclass
class ManifestRow:
    """One example: its id, its line number, raw items per modality, and the reserved fields."""

    id: str
    line: int
    items: dict[str, Any]
    label: Any = None
    split: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _resolve(value: Any, base: Path) -> Any:
    if isinstance(value, str) and value and not os.path.isabs(value) and (base / value).exists():
        return str(base / value)
    return value


def read_manifest(path: str | os.PathLike, *, modalities: list[str] | None = None) -> Iterator[ManifestRow]:
    """Yields the rows of a JSONL or CSV manifest.

    Args:
        path: the manifest file (.jsonl / .json lines, or .csv with a header).
        modalities: the column names that hold modality items; None means every non-reserved column.

    Raises:
        ConfigError: the file is missing, or of an unknown extension.
        InputError: a line is not valid JSON or not an object (naming the line).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"manifest not found: {path}")
    base = path.parent
    if path.suffix.lower() == ".csv":
        with path.open(newline="") as f:
            records = list(enumerate(csv.DictReader(f), start=2))
    elif path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        records = []
        with path.open() as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc.msg})", f"{path}:{number}") from None
                if not isinstance(obj, dict):
                    raise InputError("each line must be a JSON object keyed by modality names", f"{path}:{number}")
                records.append((number, obj))
    else:
        raise ConfigError(f"manifest {path}: unknown extension '{path.suffix}' (use .jsonl or .csv)")
    for number, obj in records:
        keys = [k for k in obj if k not in RESERVED] if modalities is None else [k for k in modalities if k in obj]
        items = {k: _resolve(obj[k], base) for k in keys if obj[k] not in (None, "")}
        yield ManifestRow(str(obj.get("id") or number), number, items, obj.get("label"), obj.get("split"),
                          {k: v for k, v in obj.items() if k not in RESERVED and k not in keys})
