"""The evaluation settings of a run directory and the dataset they name, built through the plugin host."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Sequence

from bindcore.config import apply_overrides, load_yaml, validate
from bindcore.evaluate.errors import EvaluationError

RUN_CONFIG = "config.yaml"


def read_run_config(run_dir: str | os.PathLike) -> dict[str, Any]:
    """The resolved run config saved in RUN_DIR/config.yaml (a mapping).

    Raises:
        EvaluationError: the run directory or its config is missing.
    """
    run = Path(run_dir)
    if not run.is_dir():
        raise EvaluationError(f"no run directory at {run}")
    path = run / RUN_CONFIG
    if not path.is_file():
        raise EvaluationError(f"{run} holds no {RUN_CONFIG}: is it a run directory written by `bindcore train`?")
    return load_yaml(path)


def eval_settings(run_config: dict[str, Any], *, data: Optional[dict[str, Any]] = None, split: Optional[str] = None,
                  max_items: Optional[int] = None, overrides: Sequence[str] = ()):
    """The EvalConfig of a run: its eval section, then ``data``'s keys, options and ``a.b=c`` overrides on top.

    Args:
        run_config: the run config mapping.
        data: EvalConfig fields that replace the run's (e.g. from `--data FILE`).
        split, max_items: replace those fields when given.
        overrides: ``a.b=c`` strings on the eval section (e.g. ``prompts=NAME``, ``dataset.params.seed=1``).

    The dataset defaults to the run's training dataset (``data.dataset``) when the eval section names none.
    """
    from bindcore.train.config import EvalConfig

    section = dict(run_config.get("eval") or {})
    section.update(data or {})
    if split is not None:
        section["split"] = split
    if max_items is not None:
        section["max_items"] = max_items
    if not section.get("dataset"):
        section["dataset"] = ((run_config.get("data") or {}).get("dataset")) or None
    section = apply_overrides(section, list(overrides))
    cfg = validate(EvalConfig, section, "eval")
    if cfg.dataset is None:
        raise EvaluationError("no evaluation dataset: the run config has neither eval.dataset nor data.dataset; "
                              "give one with --data FILE or dataset.name=NAME")
    return cfg


def build_dataset(cfg, host=None, field: str = "dataset"):
    """Builds ``cfg.<field>`` (an EvalConfig dataset reference) for ``cfg.split``, or None where it is unset.

    The dataset's own settings class validates its params (plugin host).
    """
    from bindcore.plugin_host import default_host
    from bindcore.train.config import resolve_dataset

    ref = getattr(cfg, field)
    if ref is None:
        return None
    spec, settings = resolve_dataset(ref, host or default_host(), f"eval.{field}")
    return spec.build(settings, cfg.split)
