"""Metric functions on embeddings: zero-shot accuracy, confusion, retrieval ranks, composition, swap probe.

Every function takes unit-norm float tensors (rows are items) and returns plain Python numbers or tensors.
"""

from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F

KS = (1, 5, 10)


def class_embeddings(prompt_embeddings: Sequence[torch.Tensor]) -> torch.Tensor:
    """One embedding per class: the renormalised mean of its normalised prompt embeddings.

    Args:
        prompt_embeddings: one (P_c, E) tensor per class.

    Returns:
        (C, E) unit-norm class embeddings.
    """
    means = [F.normalize(z.float(), dim=-1).mean(0) for z in prompt_embeddings]  # C x (E,)
    return F.normalize(torch.stack(means), dim=-1)  # (C, E)


def classify(z: torch.Tensor, classes: torch.Tensor | Sequence[torch.Tensor]) -> torch.Tensor:
    """Predicted class index per item: the class of its best-matching (cosine) sub-class.

    Args:
        z: (N, E) items.
        classes: (C, E), one embedding per class, or one (S_c, E) tensor of sub-class embeddings per class
            (a class made of sub-classes, "star" = every coloured star, whose mean would blur them).

    Returns:
        (N,) class indices.
    """
    z = F.normalize(z.float(), dim=-1)  # (N, E)
    scores = [(z @ F.normalize(s.float().reshape(-1, z.shape[-1]), dim=-1).T).amax(-1) for s in classes]  # C x (N,)
    return torch.stack(scores, dim=-1).argmax(-1)  # (N,)


def holdout_accuracy(held_out: Sequence[Optional[bool]], correct: Sequence[bool]) -> dict[str, dict]:
    """Accuracy apart on items seen in training and held-out ones; items whose flag is None are left out.

    Returns:
        {"seen" | "held_out": {"accuracy", "items"}}, each kind only where it has items.
    """
    out = {}
    for name, want in (("seen", False), ("held_out", True)):
        oks = [bool(ok) for flag, ok in zip(held_out, correct) if flag is not None and bool(flag) == want]
        if oks:
            out[name] = {"accuracy": sum(oks) / len(oks), "items": len(oks)}
    return out


def accuracy(predicted: torch.Tensor, labels: torch.Tensor) -> float:
    """Top-1 accuracy of (N,) predictions against (N,) labels."""
    return float((predicted == labels).float().mean()) if len(labels) else 0.0


def confusion_matrix(predicted: torch.Tensor, labels: torch.Tensor, num_classes: int) -> list[list[int]]:
    """Counts [true class][predicted class] as a list of lists (C x C)."""
    counts = torch.zeros(num_classes * num_classes, dtype=torch.long)
    counts.index_add_(0, labels.long() * num_classes + predicted.long(), torch.ones_like(labels, dtype=torch.long))
    return counts.view(num_classes, num_classes).tolist()  # (C, C)


def retrieval_ranks(query: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """1-based rank of target i among all targets for query i (ties count against the query).

    Args:
        query: (N, E) embeddings; row i should retrieve row i of ``target``.
        target: (N, E) embeddings.

    Returns:
        (N,) ranks: the number of targets scoring at least as high as the true one.
    """
    sim = F.normalize(query.float(), dim=-1) @ F.normalize(target.float(), dim=-1).T  # (N, N)
    true = sim.diagonal().unsqueeze(1)  # (N, 1)
    return (sim >= true).sum(1)  # (N,)


def recall_metrics(ranks: torch.Tensor, ks: Sequence[int] = KS) -> dict[str, float]:
    """{"R@k": fraction with rank <= k for each k, "median_rank": median rank} from (N,) ranks."""
    out = {f"R@{k}": float((ranks <= k).float().mean()) for k in ks}
    out["median_rank"] = float(ranks.float().quantile(0.5))
    return out


def retrieval(query: torch.Tensor, target: torch.Tensor, ks: Sequence[int] = KS) -> dict[str, float]:
    """R@k and median rank of retrieving item i of ``target`` (N, E) with item i of ``query`` (N, E)."""
    return recall_metrics(retrieval_ranks(query, target), ks)


def compose(*embeddings: torch.Tensor) -> torch.Tensor:
    """Embedding arithmetic (as BindModel.compose): normalise each (N, E), sum, renormalise -> (N, E)."""
    total = sum(F.normalize(z.float(), dim=-1) for z in embeddings)  # (N, E)
    return F.normalize(total, dim=-1)  # (N, E)


def paired_cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean cosine between item i of ``a`` (N, E) and item i of ``b`` (N, E)."""
    return float((F.normalize(a.float(), dim=-1) * F.normalize(b.float(), dim=-1)).sum(-1).mean())


def swap_preference(z: torch.Tensor, true: torch.Tensor, swapped: torch.Tensor) -> tuple[float, float]:
    """The compositional probe on (N, E) item, true-caption and swapped-caption embeddings.

    Returns:
        (fraction of items closer to the true caption than to the swapped one, mean cosine gap true - swapped).
    """
    z = F.normalize(z.float(), dim=-1)  # (N, E)
    gap = (z * F.normalize(true.float(), dim=-1)).sum(-1) - (z * F.normalize(swapped.float(), dim=-1)).sum(-1)  # (N,)
    return float((gap > 0).float().mean()), float(gap.mean())


def relevance_metrics(query: torch.Tensor, gallery: torch.Tensor, relevant: Sequence[Sequence[int]],
                      ks: Sequence[int] = KS) -> dict[str, float]:
    """Retrieval of a set of relevant gallery items per query, averaged over the queries.

    A relevant item's rank is 1 + the relevant items ranked above it + every non-relevant item scoring at least
    as high (ties count against the query, as in :func:`retrieval_ranks`).

    Args:
        query: (M, E) embeddings.
        gallery: (N, E) embeddings.
        relevant: for each query, the gallery indices it should retrieve (at least one each).

    Returns:
        {"recall@k": mean fraction of the relevant items in the top k, "precision@k": mean fraction of the top k
        that is relevant, "hit@k": fraction of queries with a relevant item in the top k (for each k),
        "mAP": mean average precision}.
    """
    sim = F.normalize(query.float(), dim=-1) @ F.normalize(gallery.float(), dim=-1).T  # (M, N)
    recall, hit, top, precision = torch.zeros(len(ks)), torch.zeros(len(ks)), torch.zeros(len(ks)), 0.0
    for q, indices in enumerate(relevant):
        mask = torch.zeros(sim.shape[1], dtype=torch.bool)
        mask[list(indices)] = True
        scores = sim[q, mask].sort(descending=True).values  # (R,) relevant scores, best first
        others = sim[q, ~mask]  # (N - R,)
        ranks = 1 + torch.arange(len(scores)) + (others.unsqueeze(0) >= scores.unsqueeze(1)).sum(1)  # (R,)
        within = torch.stack([(ranks <= k).float() for k in ks])  # (K, R)
        recall += within.mean(1)
        top += within.sum(1) / torch.tensor(ks, dtype=torch.float)
        hit += within.amax(1)
        precision += float(((1 + torch.arange(len(ranks))) / ranks).mean())
    m = max(len(relevant), 1)
    out = {f"recall@{k}": float(recall[i]) / m for i, k in enumerate(ks)}
    out.update({f"precision@{k}": float(top[i]) / m for i, k in enumerate(ks)})
    out.update({f"hit@{k}": float(hit[i]) / m for i, k in enumerate(ks)})
    out["mAP"] = precision / m
    return out
