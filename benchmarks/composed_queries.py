"""Composed queries on two-object ShapeWorld scenes: object A in one modality + object B in another, against each alone.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/composed_queries.py \\
        --runs runs/quickstart runs/shapeworld_bind_emergent
    .venv/bin/python benchmarks/composed_queries.py --quick      (a tiny model with random weights: checks that it runs)

For each trained run (nothing is trained here), the run's evaluation dataset (its eval section, else its
training data) offers ShapeWorld's composed-retrieval task on the evaluation split
(``bindcore_shapeworld.composition``): a query is object A drawn alone in modality a (e.g. a red circle image)
plus object B drawn alone in modality b (e.g. a blue square sound); the gallery is the split's first
``--gallery`` two-object scenes drawn in the target modality; the relevant scenes hold one object with A's
shape and colour and another with B's (task "shape+colour", the one `bindcore eval` reports), or with A's
colour and B's colour (task "colour": "a red thing + a blue thing", the attribute every anchor here has
learnt; the query objects' shapes are then drawn at random). The composed query is
normalise(normalise(z_a) + normalise(z_b))
(``bindcore.evaluate.composed_scenes``, the same code as the "composed_scenes" section of `bindcore eval`).
Prints, per run, pair and target, recall@10 (the fraction of the relevant scenes in the top 10) of the
composed query and of each part alone, precision@10 (the fraction of the top 10 that is relevant: the
readable one where a query has more than 10 relevant scenes) and the mean average precision.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
TASKS = {"shape+colour": ("shape", "colour"), "colour": ("colour",)}
PAIRS = ("image+audio", "image+text", "image+thermal", "audio+thermal", "text+audio", "depth+thermal")
QUICK_WORLD = {"sizes": {"test": 120}, "modalities": ["image", "text", "audio"], "image_size": 32,
               "audio_seconds": 0.5, "sample_rate": 8000}


def load(run: str):
    """(model, evaluation dataset of the run's eval split) of a run directory."""
    from bindcore.checkpoint import load_model
    from bindcore.evaluate.data import build_dataset, eval_settings, read_run_config

    cfg = eval_settings(read_run_config(run))
    return load_model(run), build_dataset(cfg), cfg.split


def quick_model():
    """A tiny model with random weights and a small ShapeWorld test split (for --quick)."""
    from bindcore.model import build_model
    from bindcore_shapeworld import ShapeWorldConfig, build

    model = build_model({"embed_dim": 32, "modalities": {
        "image": {"width": 32, "blocks": 1, "heads": 2, "image_size": 32, "patch_size": 8},
        "text": {"width": 32, "blocks": 1, "heads": 2, "context_length": 32},
        "audio": {"width": 32, "blocks": 1, "heads": 2}}}, seed=0)
    return model, build(ShapeWorldConfig(**QUICK_WORLD), "test"), "test"


class Matching:
    """The run's dataset with ShapeWorld's composed-retrieval task matched on other attributes."""

    def __init__(self, dataset, matched: tuple[str, ...]):
        self.dataset, self.matched = dataset, matched

    def composed_retrieval(self, modalities, max_gallery):
        from bindcore_shapeworld.composition import composed_retrieval

        return composed_retrieval(self.dataset, modalities, max_gallery, matched=self.matched)


def rows_of(name: str, task: str, results: dict) -> list[dict]:
    """One table row per (pair, target): recall@10, precision@10 and mAP of the composed query and of each part."""
    rows = []
    for label, targets in results.items():
        a, b = label.split("+")
        for target, m in targets.items():
            best = max(m[a]["recall@10"], m[b]["recall@10"])
            rows.append({"run": name, "task": task, "query a + b": label, "target": target,
                         "R@10 a+b": m[label]["recall@10"], "R@10 a": m[a]["recall@10"], "R@10 b": m[b]["recall@10"],
                         "a+b > both": "yes" if m[label]["recall@10"] > best else "no",
                         "P@10 a+b": m[label]["precision@10"], "P@10 a": m[a]["precision@10"],
                         "P@10 b": m[b]["precision@10"],
                         "mAP a+b": m[label]["mAP"], "mAP a": m[a]["mAP"], "mAP b": m[b]["mAP"],
                         "_third": target not in (a, b), "_best": best})
    return rows


def summary_rows(rows: list[dict]) -> list[dict]:
    """Per run, task and kind of target: how often and by how much the composed query beats both parts."""
    out = []
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        kind = "a third modality" if row["_third"] else "a or b itself"
        groups.setdefault((row["run"], row["task"], kind), []).append(row)
    for (run, task, kind), group in groups.items():
        n = len(group)
        out.append({"run": run, "task": task, "target": kind, "(pair, target)s": n,
                    "a+b > both": f"{sum(r['a+b > both'] == 'yes' for r in group)}/{n}",
                    "mean R@10 a+b": sum(r["R@10 a+b"] for r in group) / n,
                    "mean R@10 best part": sum(r["_best"] for r in group) / n,
                    "mean P@10 a+b": sum(r["P@10 a+b"] for r in group) / n,
                    "mean P@10 best part": sum(max(r["P@10 a"], r["P@10 b"]) for r in group) / n})
    return out


def three_digits(rows: list[dict]) -> list[dict]:
    """The rows with floats as 3-decimal strings (the table's small differences matter)."""
    return [{k: f"{v:.3f}" if isinstance(v, float) else v for k, v in row.items()} for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", default=["runs/quickstart"], help="trained run directories")
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS), help="a+b modality pairs (those a run holds)")
    parser.add_argument("--gallery", type=int, default=500, help="two-object scenes in the gallery")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS), help="attributes matched")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--quick", action="store_true", help="a tiny random model, 120 scenes: checks that it runs")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import machine_description, markdown_table

    from bindcore.evaluate.composed_scenes import composed_scenes

    print(machine_description())
    sources = [("tiny (random weights)", quick_model)] if args.quick else [(r, lambda r=r: load(r)) for r in args.runs]
    gallery = min(args.gallery, 120) if args.quick else args.gallery
    rows, summaries = [], []
    for name, make in sources:
        model, dataset, split = make()
        pairs = [tuple(p.split("+")) for p in args.pairs]
        pairs = [p for p in pairs if len(p) == 2 and all(m in model.names for m in p)]
        for task_name in args.tasks:
            start = time.perf_counter()
            with torch.no_grad():
                results, task = composed_scenes(model, Matching(dataset, TASKS[task_name]), pairs, list(model.names),
                                                max_gallery=gallery, batch_size=args.batch_size, progress=False)
            if not task:
                raise SystemExit(f"{name}: its evaluation dataset offers no composed-retrieval task")
            chance_p10 = task["relevant_per_query"] / task["gallery"]
            summaries.append(f"- `{name}`, task `{task_name}` (split `{split}`): {task['queries']} queries, "
                             f"{task['gallery']} gallery scenes, {task['relevant_per_query']:.1f} relevant per query "
                             f"(chance: recall@10 {task['chance_recall@10']:.3f}, precision@10 {chance_p10:.3f}); "
                             f"{time.perf_counter() - start:.0f} s. {task['description']}")
            rows += rows_of(name, task_name, results)
    print("\n".join(summaries) + "\n")
    print(markdown_table(three_digits(summary_rows(rows)), list(summary_rows(rows)[0])) + "\n")
    print(markdown_table(three_digits(rows), [c for c in rows[0] if not c.startswith("_")]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
