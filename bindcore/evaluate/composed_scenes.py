"""Composed queries on multi-object scenes: part A in one modality + part B in another retrieve items holding both.

This is ImageBind's embedding arithmetic measured on its own task: the query is
normalise(normalise(z_a(A)) + normalise(z_b(B))) (as ``BindModel.compose``), the gallery holds multi-object items
of a target modality, and the relevant items are those holding both A and B (the dataset says which; see
:class:`bindcore.evaluate.protocol.ComposedTask`). Each part alone is scored on the same gallery, so the gain of
composing is visible. (The "composed" section of :func:`bindcore.evaluate.evaluate` is another measurement:
item i's a and b retrieve item i itself.)
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from bindcore.evaluate import metrics
from bindcore.evaluate.collect import embed_items
from bindcore.evaluate.protocol import composed_task
from bindcore.evaluate.retrieval import composed_label

Results = dict[str, dict[str, dict[str, dict[str, float]]]]  # {"a+b": {target: {"a+b" | "a" | "b": metrics}}}


def composed_scenes(model, dataset: Any, pairs: Sequence[Sequence[str]], modalities: Sequence[str], *, max_gallery: int,
                    batch_size: int, progress: Optional[bool] = None) -> tuple[Results, dict[str, Any]]:
    """Composed-query retrieval of multi-object items, beside each single-part query.

    For each pair (a, b) and each target t of ``modalities`` the gallery holds (a and b included: the
    gallery items are not the query objects), queries whose part A holds a and part B holds b rank the
    gallery items holding t; queries with no relevant item in t are left out.

    Args:
        model: a BindModel.
        dataset: a dataset that may offer ``composed_retrieval``
            (:class:`~bindcore.evaluate.protocol.HasComposedRetrieval`).
        pairs: checked (a, b) modality pairs (``eval.compose``).
        modalities: the evaluated modalities.
        max_gallery: the most gallery items (``eval.max_items``).
        batch_size: embedding batch size.
        progress: tqdm bars while embedding.

    Returns:
        ({"a+b": {t: {"a+b": m, "a": m, "b": m}}}, m = :func:`metrics.relevance_metrics` plus "queries";
        the task summary {"queries", "gallery", "relevant_per_query", "chance_recall@10", "description"}),
        both empty when the dataset offers no task or there are no pairs.
    """
    task = composed_task(dataset, modalities, max_gallery) if pairs else None
    if task is None:
        return {}, {}
    used = sorted({m for pair in pairs for m in pair}, key=list(modalities).index)
    part_a = embed_items(model, [a for a, _ in task.parts], used, batch_size=batch_size, progress=progress)
    part_b = embed_items(model, [b for _, b in task.parts], used, batch_size=batch_size, progress=progress)
    gallery = embed_items(model, task.gallery, modalities, batch_size=batch_size, progress=progress)
    out: Results = {}
    for a, b in pairs:
        label = composed_label((a, b))
        for t in gallery.names:
            scored = _score_pair(part_a, part_b, gallery, task.relevant, a, b, t)
            if scored:
                out.setdefault(label, {})[t] = scored
    size = len(task.gallery)
    summary = {"queries": len(task.parts), "gallery": size,
               "relevant_per_query": sum(map(len, task.relevant)) / len(task.relevant),
               "chance_recall@10": min(1.0, 10 / size), "description": task.description}
    return out, summary


def _score_pair(part_a, part_b, gallery, relevant: Sequence[Sequence[int]], a: str, b: str,
                t: str) -> dict[str, dict[str, float]]:
    """{"a+b": m, "a": m, "b": m} for target t, or {} when no query has both parts and a relevant item in t."""
    if a not in part_a.positions or b not in part_b.positions:
        return {}
    row_a = {pos: r for r, pos in enumerate(part_a.positions[a])}
    row_b = {pos: r for r, pos in enumerate(part_b.positions[b])}
    row_t = {pos: r for r, pos in enumerate(gallery.positions[t])}
    queries, kept = [], []
    for q in sorted(set(row_a) & set(row_b)):
        rows = [row_t[i] for i in relevant[q] if i in row_t]
        if rows:
            queries.append(q)
            kept.append(rows)
    if not queries:
        return {}
    za = part_a.embeddings[a][[row_a[q] for q in queries]]  # (M, E)
    zb = part_b.embeddings[b][[row_b[q] for q in queries]]  # (M, E)
    zt = gallery.embeddings[t]  # (N_t, E)
    scores = {composed_label((a, b)): metrics.compose(za, zb), a: za, b: zb}
    return {name: {**metrics.relevance_metrics(z, zt, kept), "queries": len(queries)} for name, z in scores.items()}
