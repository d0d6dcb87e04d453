"""Zero-shot classification: class prompts embedded by the prompt modality, items classified by cosine."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

import torch

from bindcore.evaluate import metrics
from bindcore.evaluate.collect import ItemEmbeddings, embed_raw
from bindcore.evaluate.protocol import HOLDOUT, LABELS, Tasks, tasks_for


def embed_classes(model, tasks: Tasks, prompts: str, *, batch_size: int,
                  progress: Optional[bool] = None) -> dict[str, list[torch.Tensor]]:
    """{task: one (S_c, E) tensor of unit sub-class embeddings per class}, each the renormalised mean of its
    prompts' embeddings; every prompt is embedded in one pass by the ``prompts`` modality.

    Args:
        tasks: {task: {class: {sub-class: [prompts]}}}, as :func:`bindcore.evaluate.protocol.zero_shot_tasks`
            returns them.
    """
    groups = [ps for classes in tasks.values() for subs in classes.values() for ps in subs.values()]
    z = embed_raw(model, prompts, [p for ps in groups for p in ps], batch_size=batch_size, progress=progress)  # (P, E)
    out, start = {}, 0
    for task, classes in tasks.items():
        out[task] = []
        for subs in classes.values():
            chunks = []
            for ps in subs.values():
                chunks.append(z[start:start + len(ps)])  # (P_s, E)
                start += len(ps)
            out[task].append(metrics.class_embeddings(chunks))  # (S_c, E)
    return out


def labelled(items: Sequence[Mapping[str, Any]], task: str, classes: Sequence[str]) -> dict[int, int]:
    """{item position: class index} for the items whose "_labels" give ``task`` one of ``classes``."""
    index = {c: i for i, c in enumerate(classes)}
    out = {}
    for pos, item in enumerate(items):
        label = (item.get(LABELS) or {}).get(task)
        if label in index:
            out[pos] = index[label]
    return out


def zero_shot(dataset: Any, items: Sequence[Mapping[str, Any]], embedded: ItemEmbeddings, tasks: Tasks,
              subclasses: Mapping[str, Sequence[torch.Tensor]], modalities: Sequence[str]) -> tuple[dict, dict, dict, dict]:
    """Top-1 accuracy, chance and confusion of every (modality, task) the dataset allows.

    Args:
        dataset: the dataset (for ``tasks_by_modality``).
        items: the evaluated items.
        embedded: their embeddings.
        tasks: {task: {class: {sub-class: [prompts]}}}.
        subclasses: {task: one (S_c, E) tensor of sub-class embeddings per class} (see :func:`embed_classes`);
            an item goes to the class of its best-matching sub-class.
        modalities: the modalities to classify (the prompt modality excluded).

    Returns:
        (accuracy {m: {task: acc}}, chance {task: 1 / classes}, confusion {m: {task: {"classes", "matrix"}}},
        holdout {m: {task: :func:`~bindcore.evaluate.metrics.holdout_accuracy`}} for the items that say whether
        they are held out).
    """
    accuracy, chance, confusion, holdout = {}, {}, {}, {}
    for m in modalities:
        if m not in embedded.embeddings:
            continue
        for task in tasks_for(dataset, m, list(tasks)):
            classes = list(tasks[task])
            labels = labelled(items, task, classes)
            positions, (z,) = embedded.rows(m, among=list(labels))  # z: (K, E)
            if not positions:
                continue
            truth = torch.tensor([labels[p] for p in positions])  # (K,)
            predicted = metrics.classify(z, subclasses[task])  # (K,)
            accuracy.setdefault(m, {})[task] = metrics.accuracy(predicted, truth)
            confusion.setdefault(m, {})[task] = {"classes": classes,
                                                 "matrix": metrics.confusion_matrix(predicted, truth, len(classes))}
            chance[task] = 1.0 / len(classes)
            split = metrics.holdout_accuracy([items[p].get(HOLDOUT) for p in positions], (predicted == truth).tolist())
            if split:
                holdout.setdefault(m, {})[task] = split
    return accuracy, chance, confusion, holdout
