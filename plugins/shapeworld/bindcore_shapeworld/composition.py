"""The composed-retrieval task of ShapeWorld: one object in one modality + another in another -> scenes with both.

A query is two objects, each drawn alone: object A (e.g. a red circle) and object B (e.g. a blue square). The
gallery is the first ``max_gallery`` scenes of the split drawn with two objects each (the scenes the split gives
with ``two_object_prob: 1``, whatever the dataset's own setting). A scene is relevant to a query when one of its
objects matches A and the other matches B on :data:`MATCHED` (shape and colour): the attributes that name an
object in "a red circle", that ImageBind-style composition is meant to combine, and that most renderings carry
(image, text, thermal and audio both, depth the shape only). Size and distance are left free: every query object
is drawn large, near, centred and with a still camera, so it is seen clearly in every rendering.
:func:`composed_retrieval` also takes another attribute set (e.g. colour alone: "a red thing + a blue thing"); an
attribute of shape and colour left out of it is drawn at random for each query object.

Queries are the (A, B) pairs of different (shape, colour) objects that at least :data:`MIN_RELEVANT` gallery
scenes hold (every pair that occurs, where no pair is that frequent), both ways round, at most
:data:`MAX_PAIRS` pairs chosen in a fixed random order. Everything is a pure function of (seed, split).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from bindcore.evaluate.protocol import ComposedTask

from bindcore_shapeworld.rng import make_rng
from bindcore_shapeworld.scene import Scene, SceneObject
from bindcore_shapeworld.tasks import TASKS_BY_MODALITY
from bindcore_shapeworld.vocab import ATTRIBUTES, DEPTH_M, DISTANCE_SCALE, RADIUS

MATCHED = ("shape", "colour")  # the attributes a gallery object must share with a query object
MIN_RELEVANT = 3  # a pair becomes a query when at least this many gallery scenes hold it
MAX_PAIRS = 48  # unordered pairs; each gives two queries (A in a + B in b, and B in a + A in b)
QUERY_INDEX = 1 << 40  # query objects draw their rendering noise from item indices past any split's length
ORDER_STREAM = 1000  # the generator stream that orders the candidate pairs
QUERY_SIZE, QUERY_DISTANCE, QUERY_MOTION, QUERY_SPEED = "large", "near", "still", 0.8

Key = tuple[str, ...]  # an object's values of the matched attributes


def key(obj: SceneObject | dict, matched: Sequence[str] = MATCHED) -> Key:
    """The values of ``matched`` of an object (a SceneObject or an "_objects" dict)."""
    return tuple(obj[a] if isinstance(obj, dict) else getattr(obj, a) for a in matched)


def holds_both(objects: Sequence[SceneObject | dict], a: Key, b: Key, matched: Sequence[str] = MATCHED) -> bool:
    """Whether two different objects of ``objects`` match ``a`` and ``b`` on ``matched``."""
    keys = [key(o, matched) for o in objects]
    return any(ka == a and kb == b for i, ka in enumerate(keys) for j, kb in enumerate(keys) if i != j)


def lone_object(k: Key, matched: Sequence[str] = MATCHED, rng=None) -> Scene:
    """A scene of one object with the values ``k`` of ``matched``, drawn large, near and centred.

    Shape or colour outside ``matched`` is drawn from ``rng``.
    """
    attrs = dict(zip(matched, k))
    for name in ("shape", "colour"):
        if name not in attrs:
            values = ATTRIBUTES[name]
            attrs[name] = values[int(rng.integers(len(values)))]
    centre, _ = DEPTH_M[QUERY_DISTANCE]
    obj = SceneObject(attrs["shape"], attrs["colour"], QUERY_SIZE, QUERY_DISTANCE, 0.5, 0.5,
                      RADIUS[QUERY_SIZE] * DISTANCE_SCALE[QUERY_DISTANCE], centre, 0.0)
    return Scene((obj,), None, QUERY_MOTION, QUERY_SPEED)


def modalities_carrying_objects(rendered: Sequence[str], asked: Sequence[str]) -> list[str]:
    """The asked renderings that carry at least one matched attribute (IMU carries only the camera motion)."""
    return [m for m in rendered if m in asked and set(MATCHED) & set(TASKS_BY_MODALITY[m])]


def choose_pairs(scenes: Sequence[Scene], seed: int, split: int,
                 matched: Sequence[str] = MATCHED) -> list[tuple[Key, Key]]:
    """The unordered pairs of different objects that become queries (see the module docstring)."""
    counts = Counter(tuple(sorted(key(o, matched) for o in s.objects)) for s in scenes)
    candidates = sorted(p for p in counts if p[0] != p[1])
    if not candidates:
        return []
    threshold = MIN_RELEVANT if max(counts[p] for p in candidates) >= MIN_RELEVANT else 1
    frequent = [p for p in candidates if counts[p] >= threshold]
    order = make_rng(seed, split, 0, ORDER_STREAM).permutation(len(frequent))
    return [frequent[i] for i in order[:MAX_PAIRS]]


def composed_retrieval(dataset, modalities: Sequence[str], max_gallery: int,
                       matched: Sequence[str] = MATCHED) -> ComposedTask | None:
    """The composed-retrieval task of ``dataset``'s split (a ShapeWorldDataset), or None without a pair.

    Args:
        dataset: the split; its renderings and noise are used, its ``two_object_prob`` is not.
        modalities: the evaluated modalities; parts and gallery are drawn in those ShapeWorld renders that
            carry shape or colour.
        max_gallery: the most gallery scenes.
        matched: the attributes a scene's objects must share with the query objects (of shape, colour).
    """
    if not matched or not set(matched) <= {"shape", "colour"}:
        raise ValueError(f"matched must be shape and/or colour, got {list(matched)}")
    names = modalities_carrying_objects(dataset.modalities, modalities)
    size = min(max_gallery, len(dataset))
    if not names or size == 0:
        return None
    scenes_of = type(dataset)(dataset.cfg.model_copy(update={"two_object_prob": 1.0}), dataset.split)
    scenes = [scenes_of.scene(i) for i in range(size)]
    pairs = choose_pairs(scenes, dataset.cfg.seed, dataset.split_index, matched)
    if not pairs:
        return None
    gallery = [{m: scenes_of.render(scene, i, m) for m in names} for i, scene in enumerate(scenes)]
    objects = sorted({k for pair in pairs for k in pair})
    free = make_rng(dataset.cfg.seed, dataset.split_index, 0, ORDER_STREAM + 1)  # attributes left unmatched
    lone = {k: lone_object(k, matched, free) for k in objects}
    drawn = {k: {m: dataset.render(lone[k], QUERY_INDEX + n, m) for m in names} for n, k in enumerate(objects)}
    parts: list[tuple[dict[str, Any], dict[str, Any]]] = []
    relevant, labels = [], []
    for x, y in pairs:
        for a, b in ((x, y), (y, x)):
            parts.append((drawn[a], drawn[b]))
            relevant.append([i for i, s in enumerate(scenes) if holds_both(s.objects, a, b, matched)])
            labels.append(f"{' '.join(reversed(a))} + {' '.join(reversed(b))}")
    return ComposedTask(parts=parts, gallery=gallery, relevant=relevant, names=labels,
                        description=f"Relevant: a two-object {dataset.split} scene holding one object with A's "
                                    f"{' and '.join(matched)} and another with B's.")
