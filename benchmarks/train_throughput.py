"""Training throughput of a bind stage on the tiny preset, and where each step's time goes.

Run:
    .venv/bin/python benchmarks/train_throughput.py            # 30 steps, batch 64, num_workers 0 and 1
    .venv/bin/python benchmarks/train_throughput.py --quick    # 6 steps, batch 16, num_workers 0 (seconds)

Runs ``bindcore.train.run.train`` on a generated run config: model ``tiny``, ShapeWorld data, one ``bind``
stage (anchor image frozen; audio, depth, thermal and imu each trained against it), logging every step.
From the run's metrics.jsonl, after skipping ``--warmup`` steps, it prints the median samples/s (items per
second, each holding the anchor and all four partners, as the loop counts them) and the share of step time spent in data loading, forward, backward and
the optimiser (the loop's own time/* timers; "other" is the rest of the step: loss sync, clipping, logging).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import yaml

from _common import machine_description, markdown_table

PARTNERS = ["audio", "depth", "thermal", "imu"]
PARTS = ("data", "forward", "backward", "optimizer")
COLUMNS = ["num_workers", "precision", "batch", "timed steps", "samples/s", "step s",
           *(f"{p} %" for p in PARTS), "other %"]


def run_config(out_dir: Path, *, batch: int, steps: int, workers: int, precision: str) -> dict:
    """The run config of one measured bind stage."""
    return {"out_dir": str(out_dir), "seed": 0, "model": "tiny",
            "data": {"dataset": {"name": "shapeworld", "params": {"two_object_prob": 0.0}},
                     "batch_size": batch, "num_workers": workers},
            "stages": [{"name": "bind", "recipe": "bind", "anchor": "image",
                        "modalities": PARTNERS, "steps": steps,
                        "optim": {"lr": 1.0e-3, "warmup_steps": 0}}],
            "trainer": {"precision": precision, "log_every": 1, "checkpoint_every": steps + 1, "progress": False}}


def summarise(metrics: Path, warmup: int, samples_per_step: int) -> dict:
    """Median samples/s and step seconds, and time shares summed over the steps after ``warmup``."""
    records = [json.loads(line) for line in metrics.read_text().splitlines() if line]
    timed = records[warmup:] or records[-1:]
    seconds = [samples_per_step / r["samples_per_s"] for r in timed]  # the loop's step time
    row = {"timed steps": len(timed), "samples/s": statistics.median(r["samples_per_s"] for r in timed),
           "step s": statistics.median(seconds)}
    for part in PARTS:
        row[f"{part} %"] = 100 * sum(r[f"time/{part}"] for r in timed) / sum(seconds)
    row["other %"] = 100 - sum(row[f"{p} %"] for p in PARTS)
    return row


def measure(workers: int, *, batch: int, steps: int, warmup: int, precision: str) -> dict:
    """Trains one short run in a temp dir and summarises its metrics."""
    from bindcore.train.run import train

    with tempfile.TemporaryDirectory(prefix="bindcore-bench-train-") as tmp:
        config = Path(tmp) / "run.yaml"
        config.write_text(yaml.safe_dump(run_config(Path(tmp) / "run", batch=batch, steps=steps, workers=workers,
                                                     precision=precision)))
        out = train(str(config))
        row = summarise(out / "metrics.jsonl", warmup, samples_per_step=batch)  # the loop counts items per step
    return {"num_workers": workers, "precision": precision, "batch": batch, **row}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="6 steps of batch 16 with num_workers 0 (a smoke run)")
    p.add_argument("--batch", type=int, default=64, help="items per step (each holds the anchor and every partner)")
    p.add_argument("--steps", type=int, default=30, help="optimiser steps")
    p.add_argument("--warmup", type=int, default=5, help="first steps left out of the summary")
    p.add_argument("--workers", type=int, nargs="+", default=[0, 1], help="DataLoader num_workers values to run")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = p.parse_args(argv)
    if args.quick:
        args.batch, args.steps, args.warmup, args.workers = 16, 6, 2, [0]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    print(machine_description())
    rows = [measure(w, batch=args.batch, steps=args.steps, warmup=args.warmup, precision=args.precision)
            for w in args.workers]
    print(f"\n## tiny bind stage (image anchor; audio, depth, thermal, imu; ShapeWorld): {args.steps} steps, "
          f"first {args.warmup} left out; a sample = one item with the anchor and all four partners\n")
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    main()
