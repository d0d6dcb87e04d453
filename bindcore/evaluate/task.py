"""Accuracy of a task head, overall and per group (e.g. per question type): eval.json and eval.md."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import torch

from bindcore.atomic import write_atomic
from bindcore.evaluate.metrics import holdout_accuracy
from bindcore.evaluate.report import JSON_FILE, MARKDOWN_FILE


def evaluate_task(task, dataset, *, max_items: int = 1000, batch_size: int = 64, split: str = "test",
                  progress: bool = False) -> dict[str, Any]:
    """Accuracy of ``task`` (a TaskModel) on the first ``max_items`` items of ``dataset``.

    Items the head cannot read (an InputError) are counted as skipped, not as errors.

    Returns:
        {"task": {"head", "split", "items", "skipped", "accuracy", "groups": {group: {"accuracy", "items"}},
        "holdout": {"seen" | "held_out": {"accuracy", "items"}}}}; "holdout" counts the items that say whether
        they show a combination held out of training ("_holdout") and is empty when none does.
    """
    from tqdm.auto import tqdm

    from bindcore.train.task import TaskDataset, task_loader

    n = min(len(dataset), max_items)
    batches = [list(range(s, min(s + batch_size, n))) for s in range(0, n, batch_size)]
    loader = task_loader(TaskDataset(dataset, task.model, task.head), batches)
    device = next(task.head.parameters()).device
    right, total, skipped = Counter(), Counter(), 0
    held_out, oks = [], []  # each item's "_holdout" flag (or None) and whether it was answered right
    task.model.eval()
    task.head.eval()
    with torch.no_grad():
        for batch in tqdm(loader, desc="evaluate task head", unit="batch", disable=not progress):
            skipped += len(batch.skipped)
            logits = task.head(task.model, {k: v.to(device) for k, v in batch.tensors.items()})  # (B, C)
            correct = (logits.argmax(-1).cpu() == batch.targets).tolist()
            for group, ok in zip(batch.groups, correct):
                total[group] += 1
                right[group] += int(ok)
            held_out += batch.held_out
            oks += correct
    items = sum(total.values())
    groups = {g: {"accuracy": right[g] / total[g], "items": total[g]} for g in sorted(total)}
    return {"task": {"head": task.spec.name, "split": split, "items": items, "skipped": skipped,
                     "accuracy": sum(right.values()) / max(items, 1), "groups": groups,
                     "holdout": holdout_accuracy(held_out, oks)}}


def task_markdown(results: dict[str, Any]) -> str:
    """A Markdown table of the accuracy per group and overall."""
    r = results["task"]
    lines = [f"# Task head '{r['head']}' on split '{r['split']}'", "",
             f"{r['items']} items" + (f", {r['skipped']} skipped (unreadable)" if r["skipped"] else ""), "",
             "| group | items | accuracy |", "|---|---|---|"]
    lines += [f"| {g} | {v['items']} | {100 * v['accuracy']:.1f} % |" for g, v in r["groups"].items()]
    lines.append(f"| **overall** | {r['items']} | **{100 * r['accuracy']:.1f} %** |")
    names = {"seen": "combinations seen in training", "held_out": "combinations held out of training"}
    lines += [f"| *{names[k]}* | {v['items']} | {100 * v['accuracy']:.1f} % |" for k, v in r.get("holdout", {}).items()]
    return "\n".join(lines) + "\n"


def write_task_report(results: dict[str, Any], out_dir: str | os.PathLike) -> list[Path]:
    """Writes eval.json and eval.md of a task head into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / JSON_FILE, json.dumps(results, indent=2) + "\n")
    write_atomic(out / MARKDOWN_FILE, task_markdown(results))
    return [out / JSON_FILE, out / MARKDOWN_FILE]
