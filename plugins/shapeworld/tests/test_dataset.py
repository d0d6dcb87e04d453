"""Determinism, splits, held-out combinations and item layout of the ShapeWorld dataset."""

from __future__ import annotations

import numpy as np
import pytest

from bindcore_shapeworld import ShapeWorldConfig, build
from bindcore_shapeworld.vocab import MODALITIES


def _equal(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return a == b


def test_same_item_twice_is_equal():
    ds = build(ShapeWorldConfig(), "train")
    for i in (0, 7, 19999):
        assert _equal(ds[i], ds[i])
    other = build(ShapeWorldConfig(), "train")  # a fresh dataset object, same config
    assert _equal(ds[5], other[5])


def test_item_does_not_depend_on_access_order_or_modalities():
    ds = build(ShapeWorldConfig(), "val")
    first = ds[3]
    ds[10], ds[2]
    assert _equal(first, ds[3])
    only_depth = build(ShapeWorldConfig(modalities=["depth"]), "val")[3]
    assert set(only_depth) == {"depth", "_labels", "_objects", "_id", "_holdout"}
    assert np.array_equal(only_depth["depth"], first["depth"])


def test_different_seeds_and_splits_differ():
    a = build(ShapeWorldConfig(seed=0), "train")
    b = build(ShapeWorldConfig(seed=1), "train")
    assert not np.array_equal(a[0]["image"], b[0]["image"])
    assert [a[i]["_labels"] for i in range(20)] != [b[i]["_labels"] for i in range(20)]
    assert not np.array_equal(a[0]["image"], build(ShapeWorldConfig(seed=0), "test")[0]["image"])
    assert not np.array_equal(a[0]["image"], a[1]["image"])


def test_split_sizes_and_indexing():
    cfg = ShapeWorldConfig(sizes={"train": 30, "val": 4, "test": 6})
    assert [len(build(cfg, s)) for s in ("train", "val", "test")] == [30, 4, 6]
    defaults = ShapeWorldConfig()
    assert [len(build(defaults, s)) for s in ("train", "val", "test")] == [20000, 500, 1000]
    ds = build(cfg, "val")
    assert ds[-1]["_id"] == "val-3"
    with pytest.raises(IndexError):
        ds[4]
    assert len(list(ds)) == 4  # the sequence protocol stops at IndexError


def test_unknown_split_is_rejected():
    from bindcore import ConfigError

    with pytest.raises(ConfigError, match="unknown split"):
        build(ShapeWorldConfig(), "dev")


def test_item_layout():
    item = build(ShapeWorldConfig(), "test")[1]
    assert set(item) == set(MODALITIES) | {"_labels", "_objects", "_id", "_holdout"}
    labels = item["_labels"]
    assert set(labels) == {"shape", "colour", "size", "distance", "relation", "motion", "count"}
    assert labels["count"] == len(item["_objects"]) in (1, 2)
    assert (labels["relation"] == "none") == (labels["count"] == 1)
    first = item["_objects"][0]
    assert {k: first[k] for k in ("shape", "colour", "size", "distance")} == \
        {k: labels[k] for k in ("shape", "colour", "size", "distance")}
    assert item["_id"] == "test-1"


def test_held_out_pairs_never_in_train_and_present_in_test():
    cfg = ShapeWorldConfig()
    held = {tuple(p) for p in cfg.holdout}
    train, test = build(cfg, "train"), build(cfg, "test")
    train_pairs = {(o.shape, o.colour) for i in range(3000) for o in train.scene(i).objects}
    assert not train_pairs & held
    assert len(train_pairs) == 16 - len(held)  # everything else does appear
    test_pairs = {(o.shape, o.colour) for i in range(len(test)) for o in test.scene(i).objects}
    assert held <= test_pairs
    flags = [test[i]["_holdout"] for i in range(40)]
    assert any(flags) and not all(flags)


def test_one_object_scenes_when_asked():
    ds = build(ShapeWorldConfig(two_object_prob=0.0, modalities=[]), "test")
    assert all(ds[i]["_labels"]["count"] == 1 for i in range(50))
    ds = build(ShapeWorldConfig(two_object_prob=1.0, modalities=[]), "test")
    relations = {ds[i]["_labels"]["relation"] for i in range(50)}
    assert relations == {"left of", "right of", "above", "below"}


def test_relation_matches_layout():
    ds = build(ShapeWorldConfig(two_object_prob=1.0, modalities=[]), "train")
    for i in range(100):
        scene = ds.scene(i)
        a, b = scene.objects
        expected = {"left of": a.x < b.x, "right of": a.x > b.x, "above": a.y < b.y, "below": a.y > b.y}
        assert expected[scene.relation]
