"""Reading the JSON files that describe bindcore folders (model directories, indexes), with one clear error each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bindcore.errors import BindcoreError


def read_versioned_json(path: Path, fmt: int, error: type[BindcoreError], missing: str) -> dict[str, Any]:
    """The mapping in ``path``, whose "format" must equal ``fmt``.

    Args:
        path: the JSON file.
        fmt: the format number this bindcore reads.
        error: the error class to raise.
        missing: the message when the file does not exist (what the folder is not, and what to do).

    Raises:
        error: the file is missing, is not valid JSON, or has another format.
    """
    try:
        meta = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise error(missing) from None
    except json.JSONDecodeError as exc:
        raise error(f"{path} is corrupt: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != fmt:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise error(f"{path}: unsupported format {found!r} (this bindcore reads format {fmt})")
    return meta
