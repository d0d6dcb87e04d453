"""Questions about a ShapeWorld scene, read off its scene graph: colour, shape, size, count, existence, relation
(and, on request, position)."""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from bindcore_shapeworld.scene import Scene, SceneObject
from bindcore_shapeworld.vocab import COLOURS, INVERSE_RELATION, SHAPES

QUESTION_TYPES = ("colour", "shape", "size", "count", "exists", "relation")
# Asked only when listed in question_types: "is the red circle on the left or on the right?" isolates finding a
# named object and reading its place, the first half of a relation question.
DIAGNOSTIC_TYPES = ("position",)
ALL_TYPES = QUESTION_TYPES + DIAGNOSTIC_TYPES

TEMPLATES = {
    "colour": ("what colour is the {shape}?", "what is the colour of the {shape}?", "which colour does the {shape} have?",
               "the {shape} is what colour?"),
    "shape": ("what shape is the {colour} object?", "what is the shape of the {colour} thing?",
              "which shape is {colour}?", "the {colour} object is what shape?"),
    "size": ("what size is the {colour} {shape}?", "is the {colour} {shape} small or large?",
             "how big is the {colour} {shape}?", "the {colour} {shape} is what size?"),
    "count": ("how many objects are there?", "how many shapes are in the picture?", "count the objects.",
              "what is the number of shapes?"),
    "exists": ("is there a {colour} {shape}?", "does the scene contain a {colour} {shape}?",
               "can you see a {colour} {shape}?", "is a {colour} {shape} in the picture?"),
    "relation_yes_no": ("is the {a} {relation} the {b}?", "does the {a} stand {relation} the {b}?",
                        "is the {a} placed {relation} the {b}?"),
    "position_x": ("is the {a} on the left or on the right?", "which side is the {a} on, left or right?",
                   "is the {a} in the left or the right half?"),
    "position_y": ("is the {a} at the top or at the bottom?", "is the {a} in the upper or the lower half?",
                   "is the {a} high up or low down?"),
    "relation_where": ("where is the {a} relative to the {b}?", "where is the {a} compared with the {b}?",
                       "on which side of the {b} is the {a}?"),
}
COUNT_WORDS = {1: "one", 2: "two"}
POSITION_MARGIN = 0.08  # an object this close to the centre (fraction of the side) is in no half
WHERE_ANSWER = {"left of": "left", "right of": "right", "above": "above", "below": "below"}

Question = tuple[str, str]  # (question, answer)


def _unique(objects, key: Callable[[SceneObject], object]) -> list[SceneObject]:
    values = [key(o) for o in objects]
    return [o for o, v in zip(objects, values) if values.count(v) == 1]


def _pick(rng: np.random.Generator, candidates: list[SceneObject], prefer: set) -> SceneObject:
    """A candidate, preferring the objects whose (shape, colour) is in ``prefer`` (the held-out pairs)."""
    preferred = [o for o in candidates if (o.shape, o.colour) in prefer]
    pool = preferred or candidates
    return pool[int(rng.integers(len(pool)))]


def _template(rng: np.random.Generator, kind: str) -> str:
    options = TEMPLATES[kind]
    return options[int(rng.integers(len(options)))]


def ask(scene: Scene, kind: str, rng: np.random.Generator, *, allowed_pairs: list[tuple[str, str]],
        prefer: set = frozenset()) -> Optional[Question]:
    """One question of type ``kind`` about ``scene`` with its answer, or None if the scene cannot answer it.

    Args:
        scene: the latent scene.
        kind: one of ALL_TYPES.
        rng: the question's generator (template, target, yes/no).
        allowed_pairs: the (shape, colour) pairs an existence question may name when the answer is no.
        prefer: (shape, colour) pairs to ask about when present (the test split's held-out pairs).
    """
    objects = list(scene.objects)
    if kind == "colour":
        candidates = _unique(objects, lambda o: o.shape)
        if not candidates:
            return None
        o = _pick(rng, candidates, prefer)
        return _template(rng, "colour").format(shape=o.shape), o.colour
    if kind == "shape":
        candidates = _unique(objects, lambda o: o.colour)
        if not candidates:
            return None
        o = _pick(rng, candidates, prefer)
        return _template(rng, "shape").format(colour=o.colour), o.shape
    if kind == "size":
        candidates = _unique(objects, lambda o: (o.shape, o.colour))
        if not candidates:
            return None
        o = _pick(rng, candidates, prefer)
        return _template(rng, "size").format(colour=o.colour, shape=o.shape), o.size
    if kind == "count":
        return _template(rng, "count"), COUNT_WORDS[len(objects)]
    if kind == "exists":
        present = {(o.shape, o.colour) for o in objects}
        if rng.random() < 0.5:
            named = _pick(rng, objects, prefer)
            shape, colour, answer = named.shape, named.colour, "yes"
        else:
            absent = [p for p in allowed_pairs if p not in present]
            shape, colour = absent[int(rng.integers(len(absent)))]
            answer = "no"
        return _template(rng, "exists").format(colour=colour, shape=shape), answer
    if kind == "relation":
        if len(objects) != 2 or len(_unique(objects, lambda o: (o.shape, o.colour))) != 2:
            return None
        first = int(rng.integers(2)) if not prefer else _first_preferred(rng, objects, prefer)
        a, b = objects[first], objects[1 - first]
        truth = scene.relation if first == 0 else INVERSE_RELATION[scene.relation]
        names = {"a": f"{a.colour} {a.shape}", "b": f"{b.colour} {b.shape}"}
        if rng.random() < 0.5:
            return _template(rng, "relation_where").format(**names), WHERE_ANSWER[truth]
        yes = rng.random() < 0.5
        relation = truth if yes else INVERSE_RELATION[truth]
        return _template(rng, "relation_yes_no").format(relation=relation, **names), "yes" if yes else "no"
    if kind == "position":
        candidates = [o for o in _unique(objects, lambda o: (o.shape, o.colour))
                      if max(abs(o.x - 0.5), abs(o.y - 0.5)) > POSITION_MARGIN]
        if not candidates:
            return None
        o = _pick(rng, candidates, prefer)
        name = {"a": f"{o.colour} {o.shape}"}
        if abs(o.x - 0.5) >= abs(o.y - 0.5):
            return _template(rng, "position_x").format(**name), "left" if o.x < 0.5 else "right"
        return _template(rng, "position_y").format(**name), "top" if o.y < 0.5 else "bottom"
    raise ValueError(f"unknown question type {kind!r}; choose from {list(ALL_TYPES)}")


def _first_preferred(rng: np.random.Generator, objects: list[SceneObject], prefer: set) -> int:
    held = [i for i, o in enumerate(objects) if (o.shape, o.colour) in prefer]
    return held[int(rng.integers(len(held)))] if held else int(rng.integers(2))


def all_pairs() -> list[tuple[str, str]]:
    """Every (shape, colour) pair."""
    return [(s, c) for s in SHAPES for c in COLOURS]
