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


def _subclasses(attribute: str, value: str, generic: tuple[str, ...]) -> dict[str, list[str]]:
    """The class ``value`` of ``attribute`` as sub-classes: its generic prompts, then every object of that class
    as the captions describe it ("a small red star", ...), one sub-class each."""
    objects = [f"{size} {colour} {shape}" for shape in SHAPES for colour in COLOURS for size in SIZES
               if {"shape": shape, "colour": colour, "size": size}[attribute] == value]
    return {value: [p.format(cls=value) for p in generic], **{o: [f"a {o}"] for o in objects}}


def zero_shot_tasks() -> dict[str, dict]:
    """Zero-shot classification tasks: {task (a "_labels" key): {class (a label value): prompts}}.

    Tasks: shape, colour, size, distance and motion. Distance and motion classes are lists of paraphrases
    (their mean is the class). A shape, colour or size class is made of sub-classes, scored by the best match:
    generic prompts ("a photo of a star shape") and every object of the class ("a small red star", ...), since
    training captions always name size, colour and shape together and the mean of such prompts blurs them.
    """
    return {
        "shape": {c: _subclasses("shape", c, _SHAPE_PROMPTS) for c in SHAPES},
        "colour": {c: _subclasses("colour", c, _OBJECT_PROMPTS) for c in COLOURS},
        "size": {c: _subclasses("size", c, _OBJECT_PROMPTS) for c in SIZES},
        "distance": {c: list(_DISTANCE_PROMPTS[c]) for c in DISTANCES},
        "motion": {c: list(_MOTION_PROMPTS[c]) for c in MOTIONS},
    }
