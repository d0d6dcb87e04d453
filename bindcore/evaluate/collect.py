"""Loading evaluation items and embedding every evaluated modality once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import torch

from bindcore.evaluate.errors import EvaluationError
from bindcore.evaluate.protocol import check_dataset


def load_items(dataset: Any, max_items: int) -> list[Mapping[str, Any]]:
    """The first ``max_items`` items of a map-style dataset (each must be a mapping)."""
    check_dataset(dataset)
    count = min(len(dataset), max_items)
    if count == 0:
        raise EvaluationError(f"the {type(dataset).__name__} split holds no items to evaluate")
    items = [dataset[i] for i in range(count)]
    if not isinstance(items[0], Mapping):
        raise EvaluationError(f"evaluation needs items that are mappings {{modality: raw item, ...}}, "
                              f"got {type(items[0]).__name__}")
    return items


def has_raw(item: Mapping[str, Any], modality: str) -> bool:
    """Whether ``item`` holds a raw value for ``modality``."""
    return item.get(modality) is not None


@dataclass
class ItemEmbeddings:
    """Unit-norm embeddings of the evaluated items, one (N_m, E) CPU tensor per modality.

    Attributes:
        embeddings: {modality: (N_m, E)}.
        positions: {modality: [item position of each row]}.
    """

    embeddings: dict[str, torch.Tensor] = field(default_factory=dict)
    positions: dict[str, list[int]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.embeddings)

    def rows(self, *modalities: str, among: Optional[Sequence[int]] = None) -> tuple[list[int], list[torch.Tensor]]:
        """The items every one of ``modalities`` holds (optionally only those in ``among``), aligned.

        Returns:
            (item positions, one (K, E) tensor per modality, row k of each being item positions[k]).
        """
        common = set(self.positions[modalities[0]]).intersection(*(self.positions[m] for m in modalities[1:]))
        if among is not None:
            common &= set(among)
        keep = sorted(common)
        out = []
        for m in modalities:
            row_of = {pos: r for r, pos in enumerate(self.positions[m])}
            out.append(self.embeddings[m][[row_of[p] for p in keep]])  # (K, E)
        return keep, out


def embed_items(model, items: Sequence[Mapping[str, Any]], modalities: Sequence[str], *, batch_size: int,
                progress: Optional[bool] = None) -> ItemEmbeddings:
    """Embeds each modality's raw values of ``items``; items without a value for a modality are skipped.

    Modalities no item holds are left out of the result.
    """
    result = ItemEmbeddings()
    for name in modalities:
        positions = [i for i, item in enumerate(items) if has_raw(item, name)]
        if not positions:
            continue
        raws = [items[i][name] for i in positions]
        result.embeddings[name] = embed_raw(model, name, raws, batch_size=batch_size, progress=progress)  # (N_m, E)
        result.positions[name] = positions
    return result


def embed_raw(model, modality: str, raws: Sequence[Any], *, batch_size: int,
              progress: Optional[bool] = None) -> torch.Tensor:
    """Embeds a list of raw items of one modality (prompts, captions): (N, E) on the CPU."""
    z = model.embed({modality: list(raws)}, batch_size=batch_size, progress=progress)[modality]  # (N, E)
    return z.detach().float().cpu()
