"""write_report(): eval.json, eval.md and the PNG plots in one folder."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from bindcore.atomic import write_atomic
from bindcore.evaluate.markdown import to_markdown

JSON_FILE, MARKDOWN_FILE = "eval.json", "eval.md"


def write_report(results: dict[str, Any], out_dir: str | os.PathLike, *, plots: bool = True) -> list[Path]:
    """Writes the results of :func:`bindcore.evaluate.evaluate` into ``out_dir``.

    Args:
        results: the dict ``evaluate`` returned.
        out_dir: the folder (created if needed), e.g. the run directory.
        plots: also write similarity.png and recall_at_k.png (skipped with a warning without matplotlib).

    Returns:
        The paths written: eval.json, eval.md, then the plots.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / JSON_FILE, json.dumps(results, indent=2) + "\n")
    write_atomic(out / MARKDOWN_FILE, to_markdown(results))
    written = [out / JSON_FILE, out / MARKDOWN_FILE]
    if plots:
        try:
            from bindcore.evaluate.plots import write_plots

            written += write_plots(results, out)
        except ImportError as exc:
            warnings.warn(f"no plots written ({exc}); install matplotlib", RuntimeWarning, stacklevel=2)
    return written
