"""The latent scene: sampling objects, their relation, their layout and the camera motion."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bindcore_shapeworld.vocab import (
    COLOURS, DEPTH_M, DISTANCE_SCALE, DISTANCES, MOTIONS, RADIUS, RELATIONS, SHAPES, SIZES,
)


@dataclass(frozen=True)
class SceneObject:
    """One object: its attributes and its layout (x, y, radius as fractions of the image side)."""

    shape: str
    colour: str
    size: str
    distance: str
    x: float
    y: float
    radius: float
    depth_m: float
    angle: float

    def attributes(self) -> dict:
        """The symbolic attributes (no layout)."""
        return {"shape": self.shape, "colour": self.colour, "size": self.size, "distance": self.distance}


@dataclass(frozen=True)
class Scene:
    """One or two objects; ``relation`` says where objects[0] stands relative to objects[1] (None if alone)."""

    objects: tuple[SceneObject, ...]
    relation: str | None
    motion: str
    speed: float

    def labels(self) -> dict:
        """Labels of the primary object plus the scene-level ones."""
        return {**self.objects[0].attributes(), "relation": self.relation or "none", "motion": self.motion,
                "count": len(self.objects)}

    def object_dicts(self) -> list[dict]:
        """Every object's attributes and layout as plain dicts."""
        return [dict(o.__dict__) for o in self.objects]


def _pairs(holdout, train: bool) -> list[tuple[str, str]]:
    held = {tuple(p) for p in holdout}
    return [(s, c) for s in SHAPES for c in COLOURS if not (train and (s, c) in held)]


class _Draws:
    """Uniform numbers drawn in one call and handed out one at a time (scalar draws are slow)."""

    def __init__(self, rng: np.random.Generator, n: int = 32):
        self.values = iter(rng.random(n).tolist())

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        return low + (high - low) * next(self.values)

    def choice(self, options):
        return options[min(int(next(self.values) * len(options)), len(options) - 1)]


def _object(draw: _Draws, pairs: list) -> SceneObject:
    shape, colour = draw.choice(pairs)
    size, distance = draw.choice(SIZES), draw.choice(DISTANCES)
    radius = RADIUS[size] * DISTANCE_SCALE[distance] * draw.uniform(0.95, 1.05)
    centre, half = DEPTH_M[distance]
    return SceneObject(shape, colour, size, distance, draw.uniform(0.3, 0.7), draw.uniform(0.3, 0.7), radius,
                       draw.uniform(centre - half, centre + half), draw.uniform(-0.4, 0.4))


def _layout(draw: _Draws, a: SceneObject, b: SceneObject, relation: str) -> tuple[SceneObject, SceneObject]:
    """Places a (objects[0]) and b so that a stands ``relation`` b, with little overlap."""
    gap = min(0.7, max(a.radius + b.radius + 0.03, draw.uniform(0.3, 0.5)))
    mid = draw.uniform(0.15 + gap / 2, 0.85 - gap / 2)
    first, second = mid - gap / 2, mid + gap / 2  # along the relation's axis, in image coordinates
    across = draw.uniform(0.3, 0.7)
    across_b = min(0.75, max(0.25, across + draw.uniform(-0.1, 0.1)))
    pa, pb = (first, second) if relation in ("left of", "above") else (second, first)
    if relation in ("left of", "right of"):
        return replace(a, x=pa, y=across), replace(b, x=pb, y=across_b)
    return replace(a, x=across, y=pa), replace(b, x=across_b, y=pb)  # y grows downwards: above = smaller y


def sample_scene(rng: np.random.Generator, *, train: bool, holdout=(), two_object_prob: float = 0.5) -> Scene:
    """Samples a scene.

    Args:
        rng: the scene's own generator.
        train: exclude the ``holdout`` (shape, colour) pairs.
        holdout: (shape, colour) pairs.
        two_object_prob: probability of two objects.
    """
    draw = _Draws(rng)
    pairs = _pairs(holdout, train)
    motion, speed = draw.choice(MOTIONS), draw.uniform(0.6, 1.0)
    if draw.uniform() >= two_object_prob:
        return Scene((_object(draw, pairs),), None, motion, speed)
    relation = draw.choice(RELATIONS)
    a, b = _layout(draw, _object(draw, pairs), _object(draw, pairs), relation)
    return Scene((a, b), relation, motion, speed)


def is_holdout(scene: Scene, holdout) -> bool:
    """True if any object of ``scene`` is a held-out (shape, colour) pair."""
    held = {tuple(p) for p in holdout}
    return any((o.shape, o.colour) in held for o in scene.objects)


