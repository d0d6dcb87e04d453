"""evaluate(): embed a split once, then every metric section from those embeddings."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from bindcore.evaluate.collect import embed_items, load_items
from bindcore.evaluate.composed_scenes import composed_scenes
from bindcore.evaluate.compositional import compositional
from bindcore.evaluate.errors import EvaluationError
from bindcore.evaluate.protocol import zero_shot_tasks
from bindcore.evaluate.retrieval import composed, retrieval, similarity
from bindcore.evaluate.zero_shot import embed_classes, zero_shot


def evaluated_modalities(model, cfg) -> list[str]:
    """cfg.modalities (each checked against the model) or every modality of the model."""
    names = list(cfg.modalities) if cfg.modalities else list(model.names)
    for name in names + ([cfg.prompts] if cfg.prompts else []):
        model.modality(name)  # BindcoreError naming the modalities held
    return names


def check_pairs(pairs: Sequence[Sequence[str]], modalities: Sequence[str]) -> list[tuple[str, str]]:
    """Validates cfg.compose: pairs of two different evaluated modalities, with a third one to retrieve."""
    out = []
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1]:
            raise EvaluationError(f"eval.compose: {list(pair)} is not a pair of two different modalities")
        for name in pair:
            if name not in modalities:
                raise EvaluationError(f"eval.compose: '{name}' is not evaluated (evaluated: {', '.join(modalities)})")
        if not set(modalities) - set(pair):
            raise EvaluationError(f"eval.compose: {'+'.join(pair)} leaves no other evaluated modality to retrieve")
        out.append((pair[0], pair[1]))
    return out


def evaluate(model, dataset: Any, cfg, *, probe_dataset: Any = None, progress: Optional[bool] = None) -> dict[str, Any]:
    """Evaluates a model on a dataset split: zero-shot, retrieval, compositional probe, composed queries.

    Composed queries are measured twice for each ``cfg.compose`` pair (a, b): on the same item ("composed":
    item i's a and b retrieve item i) and, where the dataset (else the probe dataset) offers
    ``composed_retrieval``, on multi-object scenes ("composed_scenes": one object in a plus another in b
    retrieve the scenes holding both; see :mod:`bindcore.evaluate.composed_scenes`).

    Embeds the first ``cfg.max_items`` items once per evaluated modality (items without a raw value for a
    modality are skipped for it); class prompts and captions are embedded by ``cfg.prompts``. Zero-shot
    and the compositional probe need ``cfg.prompts`` and skip the prompt modality itself; without it they
    are empty. See :mod:`bindcore.evaluate.protocol` for what the dataset may offer.

    Args:
        model: a BindModel.
        dataset: a map-style dataset of item mappings (the ``cfg.split`` split).
        cfg: an EvalConfig.
        probe_dataset: items for the compositional probe (the same split of ``cfg.probe_dataset``); default
            ``dataset``.
        progress: show tqdm bars while embedding (default: when stderr is a terminal).

    Returns:
        {"zero_shot": {modality: {task: top-1 accuracy}}, "chance": {task: 1 / classes},
        "zero_shot_holdout": {modality: {task: {"seen" | "held_out": {"accuracy", "items"}}}} (apart on items of
        combinations seen in training and items with ``"_holdout": True``; empty when items do not say),
        "retrieval": {query: {target: {"R@1", "R@5", "R@10", "median_rank"}}},
        "compositional": {modality: accuracy}, "compositional_gap": {modality: mean cosine gap},
        "composed": {"a+b": {target: {"a+b" | "a" | "b": retrieval metrics}}},
        "composed_scenes": {"a+b": {target: {"a+b" | "a" | "b": {"recall@k", "precision@k", "hit@k", "mAP",
        "queries"}}}},
        "composed_scenes_task": {"queries", "gallery", "relevant_per_query", "chance_recall@10", "description"},
        "confusion": {modality: {task: {"classes": [...], "matrix": [[true x predicted counts]]}}},
        "similarity": {a: {b: mean cosine of the same item in a and b}}, "items": n, "split": name}.

    Raises:
        BindcoreError: a modality the model does not hold.
        EvaluationError: the dataset lacks what the settings ask for, or holds no evaluable items.
    """
    names = evaluated_modalities(model, cfg)
    tasks = zero_shot_tasks(dataset) if cfg.prompts else {}
    items = load_items(dataset, cfg.max_items)
    embedded = embed_items(model, items, names, batch_size=cfg.batch_size, progress=progress)
    missing = [m for m in names if m not in embedded.embeddings]
    if (cfg.modalities and missing) or not embedded.embeddings:  # listed on purpose, or nothing at all
        raise EvaluationError(f"no evaluated item holds a value for {', '.join(missing)} "
                              f"(item keys: {', '.join(k for k in items[0] if not str(k).startswith('_'))})")
    names = embedded.names
    pairs = check_pairs(cfg.compose, names)
    others = [m for m in names if m != cfg.prompts]
    accuracy, chance, confusion, holdout, swap_acc, swap_gap = {}, {}, {}, {}, {}, {}
    if cfg.prompts:
        classes = embed_classes(model, tasks, cfg.prompts, batch_size=cfg.batch_size, progress=progress) if tasks else {}
        accuracy, chance, confusion, holdout = zero_shot(dataset, items, embedded, tasks, classes, others)
        probe, probe_items, probe_embedded = dataset, items, embedded
        if probe_dataset is not None:
            probe, probe_items = probe_dataset, load_items(probe_dataset, cfg.max_items)
            probe_embedded = embed_items(model, probe_items, others, batch_size=cfg.batch_size, progress=progress)
        swap_acc, swap_gap = compositional(model, probe, probe_items, probe_embedded, others, cfg.prompts,
                                           batch_size=cfg.batch_size, progress=progress)
    scenes, scenes_task = {}, {}
    for source in (dataset, probe_dataset):
        if pairs and source is not None and callable(getattr(source, "composed_retrieval", None)):
            scenes, scenes_task = composed_scenes(model, source, pairs, names, max_gallery=cfg.max_items,
                                                  batch_size=cfg.batch_size, progress=progress)
            break
    return {"zero_shot": accuracy, "zero_shot_holdout": holdout, "chance": chance, "retrieval": retrieval(embedded),
            "compositional": swap_acc, "compositional_gap": swap_gap, "composed": composed(embedded, pairs),
            "composed_scenes": scenes, "composed_scenes_task": scenes_task,
            "confusion": confusion, "similarity": similarity(embedded), "items": len(items), "split": cfg.split}
