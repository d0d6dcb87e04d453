"""Captions (held-out phrasings), the swap probe, zero-shot prompts and the task table."""

from __future__ import annotations

import re

from bindcore_shapeworld import (
    TASKS_BY_MODALITY, ShapeWorldConfig, build, caption_with_swap, describe, zero_shot_tasks,
)
from bindcore_shapeworld.captions import (
    COLOUR_WORDS, DISTANCE_WORDS, MOTION_WORDS, PAIR_TEMPLATES, RELATION_WORDS, SHAPE_WORDS, SINGLE_TEMPLATES,
    SIZE_WORDS,
)
from bindcore_shapeworld.vocab import ATTRIBUTES, MODALITIES

TABLES = (SHAPE_WORDS, COLOUR_WORDS, SIZE_WORDS, DISTANCE_WORDS, RELATION_WORDS, MOTION_WORDS)
HELD_WORDS = [w for table in TABLES for _, held in table.values() for w in held]
HELD_PREFIXES = [t.split("{")[0] for t in SINGLE_TEMPLATES[1] + PAIR_TEMPLATES[1] if t.split("{")[0]]


def _uses_held_out(text: str) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in HELD_WORDS) or text.startswith(tuple(HELD_PREFIXES))


def test_train_captions_avoid_held_out_phrasings_and_eval_uses_them():
    cfg = ShapeWorldConfig(modalities=["text"])
    train = [build(cfg, "train")[i]["text"] for i in range(400)]
    test = [build(cfg, "test")[i]["text"] for i in range(400)]
    assert not any(_uses_held_out(t) for t in train)
    assert sum(_uses_held_out(t) for t in test) > 100
    assert len(set(train)) > 350  # varied
    off = [build(ShapeWorldConfig(modalities=["text"], text_holdout=False), "test")[i]["text"] for i in range(200)]
    assert not any(_uses_held_out(t) for t in off)


def test_caption_names_the_objects():
    ds = build(ShapeWorldConfig(modalities=["text"]), "train")
    for i in range(100):
        item = ds[i]
        for obj in item["_objects"]:
            assert any(w in item["text"] for w in COLOUR_WORDS[obj["colour"]][0])
            assert any(w in item["text"] for w in SHAPE_WORDS[obj["shape"]][0])


def test_describe_and_swap():
    objects = [{"shape": "circle", "colour": "red", "size": "large"},
               {"shape": "star", "colour": "blue", "size": "small"}]
    item = {"_objects": objects, "_labels": {"relation": "left of"}}
    assert describe(objects, "left of") == "a large red circle to the left of a small blue star"
    assert caption_with_swap(item) == ("a large red circle to the left of a small blue star",
                                       "a large blue circle to the left of a small red star")
    assert caption_with_swap(item, "shape")[1] == "a large red star to the left of a small blue circle"
    single = {"_objects": objects[:1], "_labels": {"relation": "none"}}
    assert caption_with_swap(single) == ("a large red circle", "a large green circle")
    assert objects[0]["colour"] == "red"  # the item is not modified


def test_swap_on_real_items_always_changes_the_caption():
    ds = build(ShapeWorldConfig(modalities=[]), "test")
    for i in range(100):
        true, swapped = caption_with_swap(ds[i])
        assert true != swapped and len(true.split()) == len(swapped.split())


def test_zero_shot_tasks():
    tasks = zero_shot_tasks()
    assert {"shape", "colour", "size", "motion"} <= set(tasks)
    for task, classes in tasks.items():
        assert list(classes) == list(ATTRIBUTES[task])  # class names are "_labels" values
        for name, prompts in classes.items():
            groups = prompts.values() if isinstance(prompts, dict) else [prompts]
            assert all(g and all(isinstance(p, str) and p for p in g) for g in groups)
    star = tasks["shape"]["star"]
    assert "a photo of a star shape" in star["star"] and star["small red star"] == ["a small red star"]  # held out too
    assert len(star) == 1 + 8 and len(tasks["size"]["large"]) == 1 + 16
    assert all("blue" in sub for sub in list(tasks["colour"]["blue"])[1:])
    assert isinstance(tasks["motion"]["shake"], list)


def test_tasks_by_modality():
    assert set(TASKS_BY_MODALITY) == set(MODALITIES)
    label_keys = set(build(ShapeWorldConfig(modalities=[]), "val")[0]["_labels"])
    for tasks in TASKS_BY_MODALITY.values():
        assert set(tasks) <= label_keys
    assert "colour" not in TASKS_BY_MODALITY["depth"] and TASKS_BY_MODALITY["imu"] == ["motion"]
