"""Cross-modal retrieval between every ordered pair of modalities, paired similarity, and composed queries."""

from __future__ import annotations

from typing import Sequence

from bindcore.evaluate import metrics
from bindcore.evaluate.collect import ItemEmbeddings


def retrieval(embedded: ItemEmbeddings) -> dict[str, dict[str, dict[str, float]]]:
    """{query: {target: {"R@1", "R@5", "R@10", "median_rank"}}} over the items both modalities hold.

    Item i of the query modality should retrieve item i of the target modality among all the target's items.
    """
    out: dict[str, dict[str, dict[str, float]]] = {}
    for q in embedded.names:
        for t in embedded.names:
            if q == t:
                continue
            positions, (zq, zt) = embedded.rows(q, t)  # (K, E) each
            if positions:
                out.setdefault(q, {})[t] = metrics.retrieval(zq, zt)
    return out


def similarity(embedded: ItemEmbeddings) -> dict[str, dict[str, float]]:
    """{a: {b: mean cosine between the embeddings of the same item in a and b}} (1 on the diagonal)."""
    out: dict[str, dict[str, float]] = {}
    for a in embedded.names:
        for b in embedded.names:
            positions, (za, zb) = embedded.rows(a, b)  # (K, E) each
            if positions:
                out.setdefault(a, {})[b] = metrics.paired_cosine(za, zb)
    return out


def composed_label(pair: Sequence[str]) -> str:
    """The result key of a composed query, e.g. "a+b"."""
    return "+".join(pair)


def composed(embedded: ItemEmbeddings, pairs: Sequence[Sequence[str]]) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Composed-query retrieval: ImageBind's embedding arithmetic.

    For a pair (a, b), the query of item i is normalise(normalise(z_a[i]) + normalise(z_b[i])) (as
    ``BindModel.compose``); it retrieves item i of every other evaluated modality t. The single queries a
    and b are reported beside it on the same items, so the gain of composing is visible.

    Returns:
        {"a+b": {t: {"a+b": metrics, "a": metrics, "b": metrics}}}, metrics as in :func:`retrieval`.
    """
    out: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for a, b in pairs:
        label = composed_label((a, b))
        out[label] = {}
        for t in embedded.names:
            if t in (a, b):
                continue
            positions, (za, zb, zt) = embedded.rows(a, b, t)  # (K, E) each
            if positions:
                out[label][t] = {label: metrics.retrieval(metrics.compose(za, zb), zt),
                                 a: metrics.retrieval(za, zt), b: metrics.retrieval(zb, zt)}
    return out
