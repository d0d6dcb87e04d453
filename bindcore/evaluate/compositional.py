"""The compositional probe: is an item closer to its true caption than to one with attributes swapped?"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from bindcore.evaluate import metrics
from bindcore.evaluate.collect import ItemEmbeddings, embed_raw
from bindcore.evaluate.protocol import caption_swap


def compositional(model, dataset: Any, items: Sequence[Mapping[str, Any]], embedded: ItemEmbeddings,
                  modalities: Sequence[str], prompts: str, *, batch_size: int,
                  progress: Optional[bool] = None) -> tuple[dict[str, float], dict[str, float]]:
    """Swap-probe accuracy and mean cosine gap per modality.

    Captions come from the dataset's ``caption_with_swap`` (multi-object items only, see
    :func:`bindcore.evaluate.protocol.caption_swap`) and are embedded by the ``prompts`` modality.

    Returns:
        ({modality: fraction preferring the true caption}, {modality: mean cosine(true) - cosine(swapped)});
        both empty when the dataset offers no swaps.
    """
    pairs = {pos: pair for pos, item in enumerate(items) if (pair := caption_swap(dataset, item)) is not None}
    if not pairs:
        return {}, {}
    order = list(pairs)
    z = embed_raw(model, prompts, [pairs[p][0] for p in order] + [pairs[p][1] for p in order],
                  batch_size=batch_size, progress=progress)  # (2P, E)
    row = {pos: r for r, pos in enumerate(order)}
    true, swapped = z[:len(order)], z[len(order):]  # (P, E) each
    acc, gap = {}, {}
    for m in modalities:
        if m not in embedded.embeddings:
            continue
        positions, (zm,) = embedded.rows(m, among=order)  # zm: (K, E)
        if not positions:
            continue
        rows = [row[p] for p in positions]
        acc[m], gap[m] = metrics.swap_preference(zm, true[rows], swapped[rows])
    return acc, gap
