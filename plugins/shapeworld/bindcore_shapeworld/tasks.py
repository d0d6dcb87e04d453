"""What each rendering carries, and prompts for zero-shot classification."""

from __future__ import annotations

from bindcore_shapeworld.vocab import COLOURS, DISTANCES, MOTIONS, SHAPES, SIZES

# Label keys (of an item's "_labels") that each rendering really encodes. "relation" is only listed for
# text: from a picture alone one cannot tell which object is the primary one, only the layout.
TASKS_BY_MODALITY: dict[str, list[str]] = {
    "image": ["shape", "colour", "size", "distance", "count"],
    "text": ["shape", "colour", "size", "distance", "relation", "motion", "count"],
    "depth": ["shape", "size", "distance", "count"],
    "thermal": ["shape", "colour", "size", "distance", "count"],
    "audio": ["shape", "colour", "size", "count"],
    "imu": ["motion"],
}

_OBJECT_PROMPTS = ("a photo of a {cls} shape", "a {cls} object", "a picture of a {cls} thing", "there is a {cls} one")
_SHAPE_PROMPTS = ("a photo of a {cls} shape", "a {cls}", "a picture of a {cls}", "there is a {cls}")
_DISTANCE_PROMPTS = {"near": ("an object close to the camera", "a nearby shape", "a shape in the foreground"),
                     "far": ("an object far from the camera", "a distant shape", "a shape in the background")}
_MOTION_PROMPTS = {
    "still": ("the camera is still", "a steady camera", "a photo taken with a still camera"),
    "pan left": ("the camera pans left", "panning to the left", "the view sweeps left"),
    "pan right": ("the camera pans right", "panning to the right", "the view sweeps right"),
    "tilt up": ("the camera tilts up", "tilting upward", "the view sweeps upward"),
    "tilt down": ("the camera tilts down", "tilting downward", "the view sweeps downward"),
    "shake": ("the camera shakes", "a shaky camera", "a trembling camera"),
}


def _described(attribute: str, value: str) -> list[str]:
    """Every "a {size} {colour} {shape}" that has ``value`` for ``attribute``: the class as the captions say it."""
    return [f"a {size} {colour} {shape}" for shape in SHAPES for colour in COLOURS for size in SIZES
            if {"shape": shape, "colour": colour, "size": size}[attribute] == value]


def zero_shot_tasks() -> dict[str, dict[str, list[str]]]:
    """Zero-shot classification tasks: {task (a "_labels" key): {class (a label value): [prompts]}}.

    Tasks: shape, colour, size, distance and motion. A shape, colour or size class has generic prompts ("a
    photo of a star shape") and also every object description of that class ("a small red star", ...):
    training captions always name size, colour and shape together, so the best-matching description
    (``eval.prompt_pooling: max``) finds the class where the mean of the prompts blurs it.
    """
    return {
        "shape": {c: [p.format(cls=c) for p in _SHAPE_PROMPTS] + _described("shape", c) for c in SHAPES},
        "colour": {c: [p.format(cls=c) for p in _OBJECT_PROMPTS] + _described("colour", c) for c in COLOURS},
        "size": {c: [p.format(cls=c) for p in _OBJECT_PROMPTS] + _described("size", c) for c in SIZES},
        "distance": {c: list(_DISTANCE_PROMPTS[c]) for c in DISTANCES},
        "motion": {c: list(_MOTION_PROMPTS[c]) for c in MOTIONS},
    }
