"""`bindcore train`: config file + overrides -> validated run -> stages -> checkpoint -> evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import yaml

from bindcore.config import apply_overrides, load_yaml
from bindcore.train import distributed
from bindcore.train.config import RunConfig, resolve_run_config
from bindcore.train.loop import Trainer, TrainingError

COMPARED = ("seed", "model", "data", "stages")  # what must not change between a run and its resume


def load_run_config(path: str, overrides: list[str], host) -> tuple[RunConfig, dict[str, Any]]:
    """Reads, overrides and validates a run config; returns it and its plain form."""
    data = apply_overrides(load_yaml(path), overrides)
    cfg = resolve_run_config(data, host)
    return cfg, cfg.model_dump(mode="json")


def train(path: str, overrides: list[str] = (), *, resume: bool = False, host=None) -> Path:
    """Trains the run described by ``path``; returns its output directory.

    Args:
        path: the run config (YAML).
        overrides: ``a.b=c`` settings applied on top.
        resume: continue from OUT_DIR/checkpoint if present (the config must match the original run).
        host: the PluginHost (default: the process's).
    """
    from bindcore.model import build_model
    from bindcore.plugin_host import default_host

    host = host or default_host()
    cfg, plain = load_run_config(path, list(overrides), host)
    out = Path(cfg.out_dir)
    saved = out / "config.yaml"
    if saved.is_file() and (out / "checkpoint").exists():
        before = yaml.safe_load(saved.read_text())
        changed = [k for k in COMPARED if before.get(k) != plain.get(k)]
        if resume and changed:
            raise TrainingError(f"{out} was trained with different {', '.join(changed)}; "
                                "resume with the same config or choose another out_dir")
        if not resume:
            raise TrainingError(f"{out} already holds a run; pass --resume to continue it, or set out_dir=... elsewhere")
    world = distributed.setup(cfg.trainer.device)
    try:
        torch.manual_seed(cfg.seed)
        model = build_model(cfg.model, host=host, seed=cfg.seed).to(world.device)
        if cfg.init_from:
            init_weights(model, cfg.init_from, world.device)
        trainer = Trainer(model, cfg, host, world)
        if world.main:
            out.mkdir(parents=True, exist_ok=True)
            saved.write_text(yaml.safe_dump(plain, sort_keys=False))
        resumed = resume and trainer.resume()
        if resume and not resumed and world.main:
            print(f"no checkpoint in {out}/checkpoint: starting from scratch")
        trainer.fit()
        if world.main and cfg.eval is not None and trainer.task is not None:
            evaluate_task_run(out, trainer.task, cfg, host)
        elif world.main and cfg.eval is not None:
            evaluate_run(out, model, cfg, host)
    finally:
        distributed.teardown()
    return out


def init_weights(model, source: str, device) -> None:
    """Starts ``model`` from the weights of a run or model directory (every modality must be there, same shapes)."""
    from bindcore.checkpoint import is_model_dir, load_weights, read_meta
    from bindcore.errors import CheckpointError

    path = Path(source)
    if is_model_dir(path / "checkpoint"):
        path = path / "checkpoint"
    meta = read_meta(path)
    missing = [name for name in model.names if name not in meta["modalities"]]
    if missing:
        raise CheckpointError(f"init_from: {source} holds no weights for {', '.join(missing)} "
                              f"(it holds: {', '.join(meta['modalities'])})")
    load_weights(model, path, meta, device=device)


def evaluate_task_run(out: Path, task, cfg: RunConfig, host) -> dict:
    """Evaluates a trained task head per group on cfg.eval and writes eval.json and eval.md into ``out``."""
    from bindcore.evaluate.task import evaluate_task, write_task_report
    from bindcore.train.config import DataConfig
    from bindcore.train.data import build_dataset

    data = DataConfig(dataset=cfg.eval.dataset or cfg.data.dataset, split=cfg.eval.split)
    results = evaluate_task(task, build_dataset(data, host), max_items=cfg.eval.max_items,
                            batch_size=cfg.eval.batch_size, split=cfg.eval.split)
    write_task_report(results, out)
    print((out / "eval.md").read_text())
    return results


def evaluate_run(out: Path, model, cfg: RunConfig, host) -> dict:
    """Evaluates the trained model on cfg.eval and writes eval.json, eval.md and plots into ``out``."""
    from bindcore.evaluate import evaluate, write_report
    from bindcore.evaluate.data import build_dataset

    settings = cfg.eval.model_copy(update={"dataset": cfg.eval.dataset or cfg.data.dataset})
    results = evaluate(model.eval(), build_dataset(settings, host), settings,
                       probe_dataset=build_dataset(settings, host, field="probe_dataset"))
    write_report(results, out)
    print((out / "eval.md").read_text())
    return results
