"""VQA on ShapeWorld QA, side by side: question only (the prior), late fusion (concat_mlp), cross-attention.

    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/vqa_shapeworld.py --workdir /tmp/vqa_bench
    .venv/bin/python benchmarks/vqa_shapeworld.py --quick          (a few steps: checks that it runs)

Each variant trains configs/train/vqa_shapeworld.yaml with `bindcore train` (same encoders from scratch,
same data, same steps; only head.params.fusion differs) and is evaluated on the held-out test split: every
test scene shows a (shape, colour) pair that no training scene contains, and the question names that object
when it can. Prints accuracy per question type and overall, as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "configs" / "train" / "vqa_shapeworld.yaml"
VARIANTS = {
    "question only": "null",
    "late fusion (concat_mlp)": "{name: concat_mlp, params: {out_dim: 128, hidden: 256}}",
    "cross-attention": "{name: cross_attention, params: {width: 128, layers: 2, heads: 4, out_dim: 128}}",
}


def command(name: str, fusion: str, workdir: Path, args) -> tuple[list[str], Path]:
    """The `bindcore train` command line of one variant, and its run directory."""
    out = workdir / name.split()[0].replace("-", "_")
    overrides = [f"out_dir={out}", f"stages.0.head.params.fusion={fusion}", f"stages.0.steps={args.steps}",
                 f"eval.max_items={args.eval_items}", f"seed={args.seed}", *args.set]
    return [sys.executable, "-m", "bindcore", "train", str(CONFIG), *overrides], out


def train_variants(variants: dict[str, str], workdir: Path, args) -> dict[str, dict]:
    """Trains and evaluates every variant, ``args.jobs`` processes at a time; returns eval.json's task results."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": str(args.threads)}
    pending = [(name, *command(name, fusion, workdir, args)) for name, fusion in variants.items()]
    running, results = [], {}
    while pending or running:
        while pending and len(running) < args.jobs:
            name, cmd, out = pending.pop(0)
            out.parent.mkdir(parents=True, exist_ok=True)
            log = open(workdir / f"{out.name}.log", "w")
            print(f"training {name}: {' '.join(cmd[2:])}", file=sys.stderr)
            running.append((name, out, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env), log))
        time.sleep(2)
        for entry in [r for r in running if r[2].poll() is not None]:
            name, out, proc, log = entry
            running.remove(entry)
            log.close()
            if proc.returncode:
                raise SystemExit(f"{name} failed; see {workdir / (out.name + '.log')}:\n" + (workdir / f"{out.name}.log").read_text()[-3000:])
            results[name] = read_results(out)
    return {name: results[name] for name in variants}


def evaluate_existing(variants: dict[str, str], workdir: Path, args) -> dict[str, dict]:
    """Re-evaluates the finished runs in ``workdir`` with `bindcore eval` (after an interrupted benchmark)."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": str(args.threads)}
    results = {}
    for name, fusion in variants.items():
        _, out = command(name, fusion, workdir, args)
        cmd = [sys.executable, "-m", "bindcore", "eval", str(out), "--max-items", str(args.eval_items), "--no-plots"]
        print(f"evaluating {name}: {' '.join(cmd[2:])}", file=sys.stderr)
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        results[name] = read_results(out)
    return results


def read_results(out: Path) -> dict:
    """eval.json's task results plus the training time (config written -> last checkpoint written)."""
    seconds = (out / "checkpoint" / "bindcore.json").stat().st_mtime - (out / "config.yaml").stat().st_mtime
    return {"seconds": seconds, **json.loads((out / "eval.json").read_text())["task"]}


def table(results: dict[str, dict]) -> str:
    groups = sorted({g for r in results.values() for g in r["groups"]})
    head = ["model", *groups, "overall", "train (s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in results.items():
        cells = [f"{100 * r['groups'][g]['accuracy']:.1f}" if g in r["groups"] else "-" for g in groups]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | **{100 * r['accuracy']:.1f}** | {r['seconds']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500, help="optimiser steps per variant")
    parser.add_argument("--eval-items", type=int, default=1200, help="held-out test questions")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", help="where the runs go (default: a temporary folder)")
    parser.add_argument("--only", action="append", choices=list(VARIANTS), help="run only these variants")
    parser.add_argument("--set", action="append", default=[], metavar="a.b=c", help="extra override for every run")
    parser.add_argument("--jobs", type=int, default=1, help="variants trained at the same time (one process each)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads per training process")
    parser.add_argument("--quick", action="store_true", help="a few steps and items: checks that the script runs")
    parser.add_argument("--eval-only", action="store_true", help="only re-evaluate the finished runs in --workdir")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.eval_items = 3, 24
        args.set = ["data.batch_size=8", "data.num_workers=0", "trainer.checkpoint_every=1000", *args.set]
    sys.path.insert(0, str(REPO / "benchmarks"))
    from _common import machine_description

    machine = machine_description()  # the load average before training
    variants = {name: fusion for name, fusion in VARIANTS.items() if not args.only or name in args.only}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = (evaluate_existing if args.eval_only else train_variants)(variants, workdir, args)
    print(f"\n## VQA on the held-out ShapeWorld QA test split ({args.eval_items} questions, {args.steps} steps each)\n")
    print(machine)
    print(f"\n{args.jobs} training process(es) at a time, {args.threads} torch thread(s) each; extra overrides: "
          f"{' '.join(args.set) or 'none'}")
    print()
    print("Accuracy (%) per question type and overall:\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
