"""The evaluation results as readable Markdown tables."""

from __future__ import annotations

from typing import Any, Iterable, Sequence


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer() and digits == 0:
        return str(int(value))
    return f"{value:.{digits}f}" if digits else f"{value:g}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], left: int = 1) -> str:
    """A Markdown table: the first ``left`` columns (names) left-aligned, the numbers right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([" --- "] * left + [" ---: "] * (len(header) - left)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def zero_shot_table(results: dict[str, Any]) -> str:
    """Modality x task top-1 accuracy, with a chance row."""
    tasks = list(results["chance"])
    rows = [[m] + [_num(accs.get(t)) for t in tasks] for m, accs in results["zero_shot"].items()]
    rows.append(["*chance*"] + [_num(results["chance"][t]) for t in tasks])
    return table(["modality"] + tasks, rows)


def holdout_table(results: dict[str, Any]) -> str:
    """Zero-shot accuracy on items of combinations seen in training beside held-out ones, per (modality, task)."""
    def cells(part: Any) -> list[str]:
        return [_num(part["accuracy"]), str(part["items"])] if part else ["-", "0"]

    rows = [[m, task, *cells(split.get("seen")), *cells(split.get("held_out"))]
            for m, tasks in results["zero_shot_holdout"].items() for task, split in tasks.items()]
    return table(["modality", "task", "seen", "items", "held out", "items"], rows, left=2)


def _metric_row(label: Sequence[str], m: dict[str, float]) -> list[str]:
    return [*label, _num(m["R@1"]), _num(m["R@5"]), _num(m["R@10"]), _num(m["median_rank"], 0)]


def retrieval_table(results: dict[str, Any]) -> str:
    """One row per ordered (query, target) pair: R@1, R@5, R@10 and the median rank."""
    rows = [_metric_row([f"{q} -> {t}"], m) for q, targets in results["retrieval"].items() for t, m in targets.items()]
    return table(["query -> target", "R@1", "R@5", "R@10", "median rank"], rows)


def compositional_table(results: dict[str, Any]) -> str:
    """Swap-probe accuracy and mean cosine gap per modality."""
    rows = [[m, _num(acc), _num(results["compositional_gap"].get(m), 4)] for m, acc in results["compositional"].items()]
    return table(["modality", "true > swapped", "mean gap"], rows)


def composed_table(results: dict[str, Any]) -> str:
    """Composed queries beside their single-modality parts, per target."""
    rows = [_metric_row([query, t], m) for targets in results["composed"].values()
            for t, queries in targets.items() for query, m in queries.items()]
    return table(["query", "target", "R@1", "R@5", "R@10", "median rank"], rows, left=2)


def composed_scenes_table(results: dict[str, Any]) -> str:
    """Composed queries on multi-object scenes beside each single part, per target."""
    rows = [[query, t, str(m["queries"]), _num(m["recall@10"]), _num(m["precision@10"]), _num(m["hit@1"]),
             _num(m["mAP"])] for targets in results["composed_scenes"].values() for t, queries in targets.items()
            for query, m in queries.items()]
    text = table(["query", "target", "queries", "recall@10", "precision@10", "hit@1", "mAP"], rows, left=2)
    task = results.get("composed_scenes_task") or {}
    if task:
        text = (f"{task['description']} {task['queries']} queries, {task['gallery']} gallery items, "
                f"{task['relevant_per_query']:.1f} relevant per query (chance recall@10 "
                f"{task['chance_recall@10']:.3f}).\n\n" + text)
    return text


def similarity_table(results: dict[str, Any]) -> str:
    """Mean cosine between the embeddings of the same item in two modalities."""
    names = list(results.get("similarity", {}))
    rows = [[a] + [_num(results["similarity"][a].get(b)) for b in names] for a in names]
    return table([""] + names, rows)


def to_markdown(results: dict[str, Any]) -> str:
    """The whole report: zero-shot, retrieval, compositional probe, composed queries, paired similarity."""
    parts = [f"# Evaluation: split `{results['split']}`, {results['items']} items"]
    sections = [
        ("Zero-shot top-1 accuracy", results["zero_shot"], zero_shot_table),
        ("Zero-shot on combinations seen in training vs held out (the compositional test)",
         results.get("zero_shot_holdout"), holdout_table),
        ("Retrieval (item i of the query finds item i of the target)", results["retrieval"], retrieval_table),
        ("Compositional probe (true caption vs attributes swapped)", results["compositional"], compositional_table),
        ("Composed queries, same item (item i's a + b retrieve item i)", results["composed"], composed_table),
        ("Composed queries on multi-object scenes (object A in a + object B in b retrieve the scenes holding both)",
         results.get("composed_scenes"), composed_scenes_table),
        ("Mean cosine of paired items", results.get("similarity"), similarity_table),
    ]
    for title, present, render in sections:
        if present:
            parts.append(f"## {title}\n\n{render(results)}")
    return "\n\n".join(parts) + "\n"
