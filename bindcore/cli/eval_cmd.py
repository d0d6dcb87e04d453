"""`bindcore eval RUN_DIR [options] [a.b=c ...]`: zero-shot, retrieval and compositional evaluation of a run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bindcore.specs import CommandSpec

HELP = "evaluate a run: zero-shot, retrieval, compositional probe -> eval.json, eval.md, plots in RUN_DIR"


def add_options(p):
    p.add_argument("--data", metavar="CONFIG.yaml", help="evaluation settings (EvalConfig fields) replacing the run's")
    p.add_argument("--split", help="the split to evaluate (default: eval.split)")
    p.add_argument("--max-items", type=int, help="evaluate at most this many items")
    p.add_argument("--device", default="cpu", help="where the model runs")
    p.add_argument("--no-plots", action="store_true", help="write eval.json and eval.md only")


def add_arguments(p):
    add_options(p)
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run directory (checkpoint/ and config.yaml)")
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="a.b=c",
                   help="overrides of the eval section, e.g. prompts=NAME max_items=200 (options may follow RUN_DIR too)")


def parse_rest(args) -> list[str]:
    """Reads options and overrides given after RUN_DIR, in any order (argparse alone stops at the first option)."""
    later = argparse.ArgumentParser(prog="bindcore eval RUN_DIR", description=HELP)
    add_options(later)
    later.add_argument("overrides", nargs="*", metavar="a.b=c")
    later.parse_intermixed_args(args.rest, namespace=args)  # fills only what was given after RUN_DIR
    return args.overrides


def run(args) -> int:
    from bindcore.checkpoint import load_model
    from bindcore.config import load_yaml
    from bindcore.evaluate import evaluate, to_markdown, write_report
    from bindcore.evaluate.data import build_dataset, eval_settings, read_run_config
    from bindcore.task import has_head

    overrides = parse_rest(args)
    run_config = read_run_config(args.run_dir)
    cfg = eval_settings(run_config, data=load_yaml(args.data) if args.data else None, split=args.split,
                        max_items=args.max_items, overrides=overrides)
    if has_head(Path(args.run_dir) / "checkpoint"):  # a task run: accuracy of its head per group
        return run_task_eval(args, cfg)
    if cfg.prompts is None:
        print("note: eval.prompts is unset, so zero-shot and the compositional probe are skipped "
              "(name the modality that embeds class prompts: prompts=NAME)", file=sys.stderr)
    model = load_model(args.run_dir, device=args.device)
    results = evaluate(model, build_dataset(cfg), cfg, probe_dataset=build_dataset(cfg, field="probe_dataset"))
    written = write_report(results, args.run_dir, plots=not args.no_plots)
    print(to_markdown(results))
    print(f"wrote {', '.join(p.name for p in written)} to {args.run_dir}", file=sys.stderr)
    return 0


def run_task_eval(args, cfg) -> int:
    from bindcore.checkpoint import load_model
    from bindcore.evaluate.data import build_dataset
    from bindcore.evaluate.task import evaluate_task, task_markdown, write_task_report
    from bindcore.plugin_host import default_host
    from bindcore.task import read_head

    folder = Path(args.run_dir) / "checkpoint"
    task = read_head(folder, load_model(folder, device=args.device), default_host(), args.device)
    results = evaluate_task(task, build_dataset(cfg), max_items=cfg.max_items, batch_size=cfg.batch_size,
                            split=cfg.split, progress=True)
    written = write_task_report(results, args.run_dir)
    print(task_markdown(results))
    print(f"wrote {', '.join(p.name for p in written)} to {args.run_dir}", file=sys.stderr)
    return 0


COMMAND = CommandSpec("eval", HELP, add_arguments, run)
