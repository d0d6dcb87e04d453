"""The evaluation protocol a dataset may offer, and the helpers that read it duck-typed.

A dataset needs no base class: any map-style dataset whose items are mappings works for retrieval. Zero-shot
classification, the compositional probe and composed queries on multi-object scenes use the optional members
documented in :class:`EvalDataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Mapping, Optional, Protocol, Sequence, runtime_checkable

from bindcore.evaluate.errors import EvaluationError

LABELS = "_labels"  # item key: {task: class}
OBJECTS = "_objects"  # item key: a list of the objects in the item (used to find multi-object items)
HOLDOUT = "_holdout"  # item key: True if the item shows an attribute combination that training never shows

Tasks = dict[str, dict[str, dict[str, list]]]  # {task: {class: {sub-class: [prompts]}}}, as zero_shot_tasks() checks them


@runtime_checkable
class EvalDataset(Protocol):
    """What `bindcore eval` reads from a dataset.

    Items are mappings ``{modality name: raw item, "_labels": {task: class}, ...}``; a modality whose raw
    value is missing (or None) in an item is skipped for that item. Keys starting with "_" are metadata.
    An item may say ``"_holdout": True`` when it shows an attribute combination held out of training (a
    compositional test); zero-shot accuracy is then also reported apart for seen and held-out items.

    Required for any evaluation: ``__len__`` and ``__getitem__`` (map-style). Required for zero-shot
    classification: ``zero_shot_tasks``. Optional: ``tasks_by_modality``, ``caption_with_swap`` and
    ``composed_retrieval`` (see :class:`HasTasksByModality`, :class:`HasCaptionSwaps` and
    :class:`HasComposedRetrieval`).
    """

    def __len__(self) -> int:
        """Number of items in the split."""

    def __getitem__(self, index: int) -> Mapping[str, Any]:
        """Item ``index``: {modality: raw item, "_labels": {task: class}, ...}."""

    def zero_shot_tasks(self) -> Mapping[str, Mapping[str, Any]]:
        """Zero-shot tasks: {task (a "_labels" key): {class (a label value): [prompts] or {sub-class: [prompts]}}}.

        The prompts are raw items of the prompt modality (``EvalConfig.prompts``). A list of prompts holds
        paraphrases of one description: the class embedding is the renormalised mean of their normalised
        embeddings (CLIP's prompt ensembling). A mapping describes a class made of sub-classes (ShapeWorld's
        "star" is every small or large star of every colour): each sub-class is the mean of its prompts and an
        item scores a class by its best-matching sub-class, so that averaging does not blur them.
        """


@runtime_checkable
class HasTasksByModality(Protocol):
    """Optional: which tasks each modality really encodes.

    Attributes:
        tasks_by_modality: {modality: [task]}. Without it, every task is evaluated for every modality;
            with it, a modality it does not list gets no zero-shot task.
    """

    tasks_by_modality: Mapping[str, Sequence[str]]


@runtime_checkable
class HasCaptionSwaps(Protocol):
    """Optional: the compositional probe."""

    def caption_with_swap(self, item: Mapping[str, Any]) -> Optional[tuple[Any, Any]]:
        """(true caption, caption with attributes bound wrongly) for ``item``, or None when it has none.

        Both are raw items of the prompt modality. The probe asks whether an item's embedding is closer to
        the true caption than to the swapped one.
        """


@dataclass
class ComposedTask:
    """A composed-retrieval task: two parts per query, a gallery of multi-object items, the relevant items.

    Attributes:
        parts: one (part A, part B) per query; each part is a mapping {modality: raw item} of one object
            alone, in every modality the dataset renders. Pair (a, b) of ``eval.compose`` queries with part A
            in modality a and part B in modality b.
        gallery: the items to retrieve, each a mapping {modality: raw item} (e.g. two-object scenes).
        relevant: for each query, the gallery indices it should retrieve (e.g. scenes holding both objects).
        names: optional readable name of each query, e.g. "red circle + blue square".
        description: optional sentence saying what makes a gallery item relevant.
    """

    parts: list[tuple[Mapping[str, Any], Mapping[str, Any]]]
    gallery: list[Mapping[str, Any]]
    relevant: list[list[int]]
    names: list[str] = field(default_factory=list)
    description: str = ""


@runtime_checkable
class HasComposedRetrieval(Protocol):
    """Optional: composed queries on multi-object items (one object in one modality + another in another)."""

    def composed_retrieval(self, modalities: Sequence[str], max_gallery: int) -> Optional[ComposedTask]:
        """The split's composed-retrieval task, rendered in those of ``modalities`` the dataset can render.

        Args:
            modalities: the evaluated modalities (parts and gallery items may hold a subset of them).
            max_gallery: the most gallery items to return (``eval.max_items``).

        Returns:
            A :class:`ComposedTask`, or None when the split offers none.
        """


def check_dataset(dataset: Any) -> None:
    """Raises EvaluationError unless ``dataset`` is a map-style dataset with a length."""
    if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
        raise EvaluationError(f"{type(dataset).__name__} is not a map-style dataset (it needs __len__ and __getitem__)")


def zero_shot_tasks(dataset: Any) -> Tasks:
    """The dataset's zero-shot tasks, checked for shape, as {task: {class: {sub-class: [prompts]}}} (a class
    given as a plain list of prompts is one sub-class named after it).

    Raises:
        EvaluationError: the dataset offers no ``zero_shot_tasks()`` or returns something malformed.
    """
    method = getattr(dataset, "zero_shot_tasks", None)
    if not callable(method):
        raise EvaluationError(f"{type(dataset).__name__} offers no zero_shot_tasks() (see bindcore.evaluate.protocol); "
                              "unset eval.prompts to evaluate retrieval only")
    tasks = method()
    if not isinstance(tasks, Mapping):
        raise EvaluationError(f"zero_shot_tasks() must return {{task: {{class: [prompts]}}}}, got {type(tasks).__name__}")
    out = {}
    for task, classes in tasks.items():
        if not isinstance(classes, Mapping) or len(classes) < 2:
            raise EvaluationError(f"zero-shot task '{task}' needs a mapping of at least two classes to prompts")
        out[task] = {}
        for cls, prompts in classes.items():
            subs = prompts if isinstance(prompts, Mapping) else {cls: prompts}
            if not subs:
                raise EvaluationError(f"zero-shot task '{task}', class '{cls}': give at least one sub-class")
            for sub, ps in subs.items():
                if isinstance(ps, (str, bytes)) or not isinstance(ps, Sequence) or not ps:
                    where = f"class '{cls}'" + (f", sub-class '{sub}'" if isinstance(prompts, Mapping) else "")
                    raise EvaluationError(f"zero-shot task '{task}', {where}: give a non-empty list of prompts")
            out[task][cls] = {sub: list(ps) for sub, ps in subs.items()}
    return out


def tasks_for(dataset: Any, modality: str, tasks: Sequence[str]) -> list[str]:
    """The tasks of ``tasks`` that ``modality`` is evaluated on (all of them without ``tasks_by_modality``)."""
    table = getattr(dataset, "tasks_by_modality", None)
    if table is None:
        return list(tasks)
    allowed = set(table.get(modality, ()))
    return [t for t in tasks if t in allowed]


def caption_swap(dataset: Any, item: Mapping[str, Any]) -> Optional[tuple[Any, Any]]:
    """The (true, swapped) captions of a multi-object item, or None.

    An item is probed when the dataset returns a pair of different captions and, where the item lists its
    objects under "_objects", it holds at least two of them (binding attributes to the right object).
    """
    method = getattr(dataset, "caption_with_swap", None)
    if not callable(method):
        return None
    objects = item.get(OBJECTS)
    if objects is not None and len(objects) < 2:
        return None
    pair = method(item)
    if pair is None:
        return None
    true, swapped = pair
    return None if _same(true, swapped) else (true, swapped)


def _same(a: Any, b: Any) -> bool:
    """Whether two raw captions are equal (False where equality has no single truth value, e.g. arrays)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError, RuntimeError):
        return False


def composed_task(dataset: Any, modalities: Sequence[str], max_gallery: int) -> Optional[ComposedTask]:
    """The dataset's composed-retrieval task, checked for shape, or None when it offers none.

    Raises:
        EvaluationError: the task is malformed (naming the dataset and what is wrong).
    """
    method = getattr(dataset, "composed_retrieval", None)
    if not callable(method):
        return None
    task = method(list(modalities), max_gallery)
    if task is None:
        return None
    where = f"{type(dataset).__name__}.composed_retrieval()"
    if not isinstance(task, ComposedTask):
        raise EvaluationError(f"{where} must return a bindcore.evaluate.protocol.ComposedTask or None, "
                              f"got {type(task).__name__}")
    if len(task.relevant) != len(task.parts) or (task.names and len(task.names) != len(task.parts)):
        raise EvaluationError(f"{where}: {len(task.parts)} queries but {len(task.relevant)} relevant lists"
                              + (f" and {len(task.names)} names" if task.names else "") + "; give one per query")
    if not task.gallery or not all(isinstance(item, Mapping) for item in task.gallery):
        raise EvaluationError(f"{where}: the gallery must be a non-empty list of mappings {{modality: raw item}}")
    for q, (pair, indices) in enumerate(zip(task.parts, task.relevant)):
        if len(pair) != 2 or not all(isinstance(part, Mapping) for part in pair):
            raise EvaluationError(f"{where}: query {q} must be a pair (part A, part B) of mappings "
                                  "{modality: raw item}")
        if not indices or not all(isinstance(i, Integral) and 0 <= i < len(task.gallery) for i in indices):
            raise EvaluationError(f"{where}: query {q} needs at least one relevant gallery index in "
                                  f"[0, {len(task.gallery)}), got {list(indices)[:5]}")
    task.relevant = [[int(i) for i in indices] for indices in task.relevant]
    return task
