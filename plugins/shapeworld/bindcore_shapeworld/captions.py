"""Captions: varied templates and synonyms, some held out of training, plus a canonical form and swaps."""

from __future__ import annotations

import numpy as np

from bindcore_shapeworld.scene import Scene
from bindcore_shapeworld.vocab import COLOURS, INVERSE_RELATION, SHAPES, SIZES

# word -> (train phrasings, held-out phrasings); the first train phrasing is the canonical one.
SHAPE_WORDS = {
    "circle": (["circle", "disc"], ["round shape"]),
    "square": (["square", "box"], ["block"]),
    "triangle": (["triangle", "triangular shape"], ["wedge"]),
    "star": (["star", "five-pointed star"], ["starburst"]),
}
COLOUR_WORDS = {
    "red": (["red", "crimson"], ["scarlet"]),
    "green": (["green", "emerald"], ["lime"]),
    "blue": (["blue", "navy"], ["azure"]),
    "yellow": (["yellow", "golden"], ["lemon"]),
}
SIZE_WORDS = {"small": (["small", "little"], ["tiny"]), "large": (["large", "big"], ["huge"])}
DISTANCE_WORDS = {  # after the noun
    "near": (["nearby", "close to the camera"], ["in the foreground"]),
    "far": (["far away", "in the distance"], ["in the background"]),
}
RELATION_WORDS = {
    "left of": (["to the left of", "left of"], ["on the left side of"]),
    "right of": (["to the right of", "right of"], ["on the right side of"]),
    "above": (["above", "over"], ["higher up than"]),
    "below": (["below", "under"], ["beneath"]),
}
MOTION_WORDS = {  # appended after a comma; "" means not mentioned
    "still": (["seen by a still camera", "taken with a steady camera"], ["from a tripod"]),
    "pan left": (["as the camera pans left", "while panning left"], ["with the view sweeping left"]),
    "pan right": (["as the camera pans right", "while panning right"], ["with the view sweeping right"]),
    "tilt up": (["as the camera tilts up", "while tilting up"], ["with the view sweeping upward"]),
    "tilt down": (["as the camera tilts down", "while tilting down"], ["with the view sweeping downward"]),
    "shake": (["with a shaky camera", "while the camera shakes"], ["through a trembling lens"]),
}
SINGLE_TEMPLATES = (["{a}", "a picture of {a}", "there is {a}"], ["an image showing {a}", "you can see {a}"])
PAIR_TEMPLATES = (["{a} {rel} {b}", "there is {a} {rel} {b}", "a picture of {a} {rel} {b}"],
                  ["an image showing {a} {rel} {b}", "you can see {a} {rel} {b}"])

P_SIZE, P_DISTANCE, P_MOTION, P_MOTION_STILL, P_INVERT = 0.85, 0.4, 0.9, 0.25, 0.3


def _pick(rng: np.random.Generator, table: tuple[list, list], held_out: bool) -> str:
    options = table[0] + table[1] if held_out else table[0]
    return options[rng.integers(len(options))]


def _article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def _noun_phrase(rng, obj, held_out: bool) -> str:
    words = []
    if rng.random() < P_SIZE:
        words.append(_pick(rng, SIZE_WORDS[obj.size], held_out))
    words.append(_pick(rng, COLOUR_WORDS[obj.colour], held_out))
    words.append(_pick(rng, SHAPE_WORDS[obj.shape], held_out))
    if rng.random() < P_DISTANCE:
        words.append(_pick(rng, DISTANCE_WORDS[obj.distance], held_out))
    return _article(" ".join(words))


def caption(scene: Scene, rng: np.random.Generator, *, held_out: bool) -> str:
    """A varied caption of ``scene``.

    Args:
        scene: the latent scene.
        rng: the caption's own generator.
        held_out: also draw from the phrasings and templates held out of training (val/test).
    """
    phrases = [_noun_phrase(rng, o, held_out) for o in scene.objects]
    if scene.relation is None:
        text = _pick(rng, SINGLE_TEMPLATES, held_out).format(a=phrases[0])
    else:
        a, b, relation = phrases[0], phrases[1], scene.relation
        if rng.random() < P_INVERT:  # same meaning, other object first
            a, b, relation = b, a, INVERSE_RELATION[relation]
        rel = _pick(rng, RELATION_WORDS[relation], held_out)
        text = _pick(rng, PAIR_TEMPLATES, held_out).format(a=a, rel=rel, b=b)
    if rng.random() < (P_MOTION_STILL if scene.motion == "still" else P_MOTION):
        text += ", " + _pick(rng, MOTION_WORDS[scene.motion], held_out)
    return text


def describe(objects: list[dict], relation: str | None = None) -> str:
    """The canonical caption: "a large red circle to the left of a small blue star".

    Args:
        objects: attribute dicts with shape, colour, size (as in an item's "_objects").
        relation: where objects[0] stands relative to objects[1], or None / "none" for one object.
    """
    def phrase(o: dict) -> str:
        words = (SIZE_WORDS[o["size"]][0][0], COLOUR_WORDS[o["colour"]][0][0], SHAPE_WORDS[o["shape"]][0][0])
        return _article(" ".join(words))

    if relation in (None, "none") or len(objects) < 2:
        return phrase(objects[0])
    return f"{phrase(objects[0])} {RELATION_WORDS[relation][0][0]} {phrase(objects[1])}"


_VALUES = {"colour": COLOURS, "shape": SHAPES, "size": SIZES}


def caption_with_swap(item: dict, attribute: str | None = None) -> tuple[str, str]:
    """A compositional probe: (true canonical caption, the same with attributes bound wrongly).

    With two objects that differ in ``attribute`` (default: the first of colour, shape, size that differs),
    the two values are swapped between the objects ("a red circle left of a blue star" ->
    "a blue circle left of a red star"). Otherwise (one object, or equal values) the primary object's value is
    replaced by the next value of that attribute ("a red circle" -> "a green circle").

    Args:
        item: a ShapeWorld item (uses "_objects" and "_labels").
        attribute: "colour", "shape" or "size", or None to choose.
    """
    objects = [dict(o) for o in item["_objects"]]
    relation = item["_labels"]["relation"]
    true = describe(objects, relation)
    order = [attribute] if attribute else list(_VALUES)
    if attribute is not None and attribute not in _VALUES:
        raise ValueError(f"attribute must be one of {list(_VALUES)}, got {attribute!r}")
    if len(objects) == 2:
        for name in order:
            if objects[0][name] != objects[1][name]:
                objects[0][name], objects[1][name] = objects[1][name], objects[0][name]
                return true, describe(objects, relation)
    name = order[0]
    values = _VALUES[name]
    objects[0][name] = values[(values.index(objects[0][name]) + 1) % len(values)]
    return true, describe(objects, relation)
