"""Batched embedding of raw inputs: preprocessing in DataLoader workers, errors per item, progress."""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

import torch
from torch.utils.data import DataLoader, Dataset

from bindcore.data.workers import single_thread_worker
from bindcore.errors import BindcoreError, InputError
from bindcore.precision import PRECISIONS, native_cpu_bf16, resolve_precision  # noqa: F401 (re-exported)


@dataclass
class Failure:
    """One item that could not be embedded."""

    modality: str
    index: int
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.modality} item {self.id}: {self.reason}"


@dataclass
class EmbedBatch:
    """Embeddings of one batch: positions in the input list, ids, (B, E) rows, the items that failed, and the
    seconds spent in the forward pass (the rest of the wall time went to reading, preprocessing and waiting)."""

    modality: str
    indices: list[int]
    ids: list[str]
    embeddings: torch.Tensor
    failures: list[Failure] = field(default_factory=list)
    forward_s: float = 0.0


class Embeddings(dict):
    """{modality: (N, E) unit-norm tensor}, plus ``indices`` (input positions kept) and ``failures``."""

    def __init__(self):
        super().__init__()
        self.indices: dict[str, list[int]] = {}
        self.ids: dict[str, list[str]] = {}
        self.failures: list[Failure] = []


class _Items(Dataset):
    """Preprocesses item i on access; returns (i, tensor or None, error message or None)."""

    def __init__(self, modality, items: Sequence[Any], ids: Sequence[str]):
        self.modality, self.items, self.ids = modality, items, ids

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        try:
            return i, self.modality.preprocess_one(self.items[i], self.ids[i]), None
        except InputError as exc:
            return i, None, exc.message


def _collate(rows):
    return rows


def iter_embeddings(model, name: str, items: Sequence[Any], *, ids: Sequence[str] | None = None, batch_size: int = 32,
                    num_workers: int = 0, precision: str = "auto", on_error: str = "raise",
                    progress: bool | None = None) -> Iterator[EmbedBatch]:
    """Yields the embeddings of one modality's items batch by batch (for streaming to disk).

    Args:
        model: a BindModel.
        name: the modality instance.
        items: raw items (paths, texts, arrays, ...).
        ids: one id per item for messages and outputs (default: the position).
        batch_size: items per forward pass.
        num_workers: DataLoader worker processes for preprocessing (0: in this process).
        precision: "fp32", "bf16" (autocast) or "auto" (bf16 on a CUDA device that multiplies it natively,
            fp32 on CPUs; see :mod:`bindcore.precision`).
        on_error: "raise" stops at the first bad item with an InputError; "skip" reports it in the batch's failures.
        progress: show a tqdm bar (default: when there is more than one batch and stderr is a terminal).
    """
    if on_error not in ("raise", "skip"):
        raise BindcoreError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
    if batch_size < 1:
        raise BindcoreError(f"batch_size must be at least 1, not {batch_size}")
    modality = model.modality(name)
    items = list(items)
    if not items:
        raise InputError(f"no '{name}' items were given", name)
    ids = [str(i) for i in range(len(items))] if ids is None else [str(i) for i in ids]
    if len(ids) != len(items):
        raise BindcoreError(f"{len(ids)} ids for {len(items)} '{name}' items")
    device = next(iter(modality.parameters())).device
    dtype = resolve_precision(precision, device)
    loader = DataLoader(_Items(modality, items, ids), batch_size=batch_size, num_workers=num_workers,
                        collate_fn=_collate, worker_init_fn=single_thread_worker)
    from tqdm.auto import tqdm

    show = progress if progress is not None else (len(items) > batch_size and sys.stderr.isatty())
    bar = tqdm(total=len(items), desc=f"embed {name}", unit="item", disable=not show)
    autocast = torch.autocast(device.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()
    was_training = modality.training
    modality.eval()
    try:
        for rows in loader:
            failures = [Failure(name, i, ids[i], err) for i, _, err in rows if err is not None]
            if failures and on_error == "raise":
                raise InputError(failures[0].reason, ids[failures[0].index])
            good = [(i, t) for i, t, err in rows if err is None]
            forward_s = 0.0
            if good:
                batch = torch.stack([t for _, t in good]).to(device)  # (B, ...)
                start = time.perf_counter()
                with torch.inference_mode(), autocast:
                    z = modality(batch).float()  # (B, E)
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                forward_s = time.perf_counter() - start
            else:
                z = torch.empty(0, model.embed_dim)
            bar.update(len(rows))
            yield EmbedBatch(name, [i for i, _ in good], [ids[i] for i, _ in good], z, failures, forward_s)
    finally:
        bar.close()
        modality.train(was_training)


def embed(model, inputs: Mapping[str, Sequence[Any]], *, ids: Mapping[str, Sequence[str]] | None = None,
          batch_size: int = 32, num_workers: int = 0, precision: str = "auto", on_error: str = "raise",
          progress: bool | None = None) -> Embeddings:
    """Embeds raw items of several modalities.

    Args:
        model: a BindModel.
        inputs: {modality: [raw items]}.
        ids: optional {modality: [ids]} used in error messages.
        batch_size, num_workers, precision, on_error, progress: see :func:`iter_embeddings`.

    Returns:
        Embeddings: {modality: (N, E) unit-norm float32}; with on_error="skip", ``indices[m]`` lists the
        input positions kept and ``failures`` the items skipped.

    Raises:
        InputError: a bad item (with on_error="raise") or an empty list.
        BindcoreError: a modality the model does not hold.

    Example:
        >>> out = model.embed({"text": ["a dog", "a cat"]})  # doctest: +SKIP
        >>> out["text"].shape  # doctest: +SKIP
        torch.Size([2, 256])
    """
    if not isinstance(inputs, Mapping) or not inputs:
        raise InputError("give a non-empty mapping {modality name: [items]}")
    for name in inputs:
        model.modality(name)  # fail before any work on an unknown modality
    result = Embeddings()
    for name, items in inputs.items():
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise InputError(f"expected a list of items for '{name}', got {type(items).__name__}", name)
        chunks, indices, kept_ids = [], [], []
        for batch in iter_embeddings(model, name, items, ids=(ids or {}).get(name), batch_size=batch_size,
                                     num_workers=num_workers, precision=precision, on_error=on_error, progress=progress):
            chunks.append(batch.embeddings)
            indices += batch.indices
            kept_ids += batch.ids
            result.failures += batch.failures
        result[name] = torch.cat(chunks) if chunks else torch.empty(0, model.embed_dim)  # (N, E)
        result.indices[name], result.ids[name] = indices, kept_ids
    return result
