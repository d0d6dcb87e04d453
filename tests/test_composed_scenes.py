"""Composed queries on multi-object scenes: the metric on hand-made embeddings, the protocol through evaluate(),
ShapeWorld's task (relevance, determinism) and a tiny real model end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from bindcore.evaluate import EvaluationError, evaluate, to_markdown
from bindcore.evaluate import metrics
from bindcore.evaluate.composed_scenes import composed_scenes
from bindcore.evaluate.protocol import ComposedTask
from bindcore.train.config import EvalConfig
from tests.test_evaluate import TINY, EchoModel, ParityWorld

SCENE_METRICS = {"recall@1", "recall@5", "recall@10", "precision@1", "precision@5", "precision@10", "hit@1", "hit@5",
                 "hit@10", "mAP", "queries"}


# --- the metric -----------------------------------------------------------------------------------------------


def test_relevance_metrics_on_hand_made_rankings():
    gallery = torch.eye(20)  # (N, E): item j is e_j
    scores = torch.linspace(1.0, 0.05, 20)  # query 0 ranks gallery item j at place j + 1
    query = scores.unsqueeze(0)  # (1, E)
    m = metrics.relevance_metrics(query, gallery, [[0, 4, 14]])  # relevant at ranks 1, 5, 15
    assert m["recall@1"] == pytest.approx(1 / 3) and m["recall@5"] == pytest.approx(2 / 3)
    assert m["recall@10"] == pytest.approx(2 / 3)
    assert m["hit@1"] == m["hit@5"] == m["hit@10"] == 1.0
    assert m["mAP"] == pytest.approx((1 / 1 + 2 / 5 + 3 / 15) / 3)
    assert m["precision@1"] == 1.0 and m["precision@5"] == pytest.approx(2 / 5)
    assert m["precision@10"] == pytest.approx(0.2)
    far = metrics.relevance_metrics(query, gallery, [[12, 19]])  # ranks 13 and 20
    assert far["recall@10"] == far["hit@10"] == 0.0 and far["mAP"] == pytest.approx((1 / 13 + 2 / 20) / 2)
    both = metrics.relevance_metrics(query.repeat(2, 1), gallery, [[0, 4, 14], [12, 19]])  # means over queries
    assert both["recall@10"] == pytest.approx(1 / 3) and both["hit@1"] == 0.5


def test_relevance_ties_count_against_the_query_only_with_non_relevant_items():
    gallery = torch.ones(6, 4)  # every item scores the same
    query = torch.ones(1, 4)
    tied = metrics.relevance_metrics(query, gallery, [[0, 1]])  # 2 relevant among 6 equal: ranks 5 and 6
    assert tied["hit@1"] == 0.0 and tied["recall@5"] == 0.5 and tied["recall@10"] == 1.0
    everything = metrics.relevance_metrics(query, gallery, [list(range(6))])  # all relevant: ranks 1 .. 6
    assert everything["recall@1"] == pytest.approx(1 / 6) and everything["mAP"] == 1.0


def test_composition_beats_each_part_when_each_part_knows_half():
    """Gallery item (i, j) is e_i + f_j; part A knows i only, part B j only: only their sum finds (i, j)."""
    n = 4
    eye = torch.eye(2 * n)
    gallery = torch.stack([eye[i] + eye[n + j] for i in range(n) for j in range(n)])  # (16, 8)
    part_a, part_b = eye[:n].repeat_interleave(n, 0), eye[n:].repeat(n, 1)  # (16, 8) each
    relevant = [[q] for q in range(n * n)]
    together = metrics.relevance_metrics(metrics.compose(part_a, part_b), gallery, relevant)
    alone = metrics.relevance_metrics(part_a, gallery, relevant)
    assert together["hit@1"] == together["mAP"] == 1.0
    assert alone["hit@1"] == 0.0 and alone["recall@1"] == 0.0  # 4 items tie for each part alone


# --- the protocol through evaluate() ---------------------------------------------------------------------------


class PairWorld(ParityWorld):
    """ParityWorld plus a composed task: gallery item (i, j) holds e_i in a and e_{4+j} in b, and their sum in c."""

    def __init__(self, task=None):
        super().__init__()
        self.task = task

    def composed_retrieval(self, modalities, max_gallery):
        if self.task is not None:
            return self.task
        eye = np.eye(8, dtype=np.float32)
        gallery = [{"a": eye[i] + eye[4 + j], "c": eye[i] + eye[4 + j]} for i in range(4) for j in range(4)]
        parts = [({"a": eye[i], "b": eye[i]}, {"a": eye[4 + j], "b": eye[4 + j]}) for i in range(4) for j in range(4)]
        return ComposedTask(parts=parts, gallery=gallery[:max_gallery], relevant=[[q] for q in range(16)],
                            names=[f"{q}" for q in range(16)], description="Relevant: item (i, j).")


def test_evaluate_reports_composed_scenes_beside_each_part():
    r = evaluate(EchoModel(), PairWorld(), EvalConfig(compose=[["a", "b"]]))
    scenes = r["composed_scenes"]["a+b"]
    assert set(scenes) == {"a", "c"}  # the gallery holds a and c; b is a query modality only
    assert set(scenes["c"]) == {"a+b", "a", "b"} and set(scenes["c"]["a+b"]) == SCENE_METRICS
    assert scenes["c"]["a+b"]["hit@1"] == 1.0 and scenes["c"]["a+b"]["queries"] == 16
    assert scenes["c"]["a"]["hit@1"] == 0.0 and scenes["c"]["b"]["hit@1"] == 0.0
    assert r["composed_scenes_task"] == {"queries": 16, "gallery": 16, "relevant_per_query": 1.0,
                                         "chance_recall@10": 10 / 16, "description": "Relevant: item (i, j)."}
    assert r["composed"]["a+b"]["c"]["a+b"]["R@1"] == 1.0  # the same-item measurement is still there
    md = to_markdown(r)
    assert "## Composed queries, same item" in md and "## Composed queries on multi-object scenes" in md
    assert "| a+b | c | 16 | 1.000 | 0.100 | 1.000 | 1.000 |" in md and "16 gallery items" in md


def test_without_the_protocol_or_pairs_the_section_is_empty():
    plain = evaluate(EchoModel(), ParityWorld(), EvalConfig(compose=[["a", "b"]]))
    assert plain["composed_scenes"] == {} and plain["composed_scenes_task"] == {}
    assert "multi-object scenes" not in to_markdown(plain)
    unpaired = evaluate(EchoModel(), PairWorld(), EvalConfig())
    assert unpaired["composed_scenes"] == {}
    from_probe = evaluate(EchoModel(), ParityWorld(), EvalConfig(compose=[["a", "b"]]), probe_dataset=PairWorld())
    assert from_probe["composed_scenes"]["a+b"]["c"]["a+b"]["hit@1"] == 1.0


@pytest.mark.parametrize("task, message", [
    ("not a task", "must return a bindcore.evaluate.protocol.ComposedTask"),
    (ComposedTask(parts=[({}, {})], gallery=[{}], relevant=[]), "1 queries but 0 relevant lists"),
    (ComposedTask(parts=[({}, {})], gallery=[], relevant=[[0]]), "non-empty list of mappings"),
    (ComposedTask(parts=[({},)], gallery=[{}], relevant=[[0]]), "query 0 must be a pair"),
    (ComposedTask(parts=[({}, {})], gallery=[{}], relevant=[[3]]),
     r"query 0 needs at least one relevant gallery index in \[0, 1\)"),
    (ComposedTask(parts=[({}, {})], gallery=[{}], relevant=[[]]), "query 0 needs at least one relevant"),
])
def test_malformed_tasks_are_named(task, message):
    with pytest.raises(EvaluationError, match=message):
        evaluate(EchoModel(), PairWorld(task), EvalConfig(compose=[["a", "b"]]))


@pytest.mark.parametrize("pairs, message", [
    ([["a"]], r"eval.compose: \['a'\] is not a pair of two different modalities"),
    ([["a", "a"]], "is not a pair of two different modalities"),
    ([["a", "sonar"]], "eval.compose: 'sonar' is not evaluated"),
    ([["a", "b", "c"]], "is not a pair"),
])
def test_bad_compose_entries_are_clear_errors(pairs, message):
    with pytest.raises(EvaluationError, match=message):
        evaluate(EchoModel(), PairWorld(), EvalConfig(compose=pairs))


# --- ShapeWorld's task ----------------------------------------------------------------------------------------

WORLD = {"sizes": {"train": 8, "val": 6, "test": 120}, "modalities": ["image", "text", "audio", "imu"],
         "image_size": 32, "audio_seconds": 0.5, "sample_rate": 8000, "two_object_prob": 0.0}


@pytest.fixture(scope="module")
def world():
    from bindcore_shapeworld import ShapeWorldConfig, build

    return build(ShapeWorldConfig(**WORLD), "test")


@pytest.fixture(scope="module")
def task(world):
    return world.composed_retrieval(["image", "text", "audio", "imu"], 120)


def test_shapeworld_relevance_is_exactly_the_scenes_holding_both(world, task):
    from bindcore_shapeworld.composition import key

    two = type(world)(world.cfg.model_copy(update={"two_object_prob": 1.0}), "test")
    objects = [[key(o) for o in two.scene(i).objects] for i in range(120)]
    assert all(len(o) == 2 for o in objects)
    assert task.parts and len(task.gallery) == 120 and min(map(len, task.relevant)) >= 2
    for name, relevant in zip(task.names, task.relevant):
        a, b = (tuple(reversed(half.split())) for half in name.split(" + "))  # "red circle" -> ("circle", "red")
        assert a != b
        holding = [i for i, o in enumerate(objects) if sorted(o) == sorted([a, b])]
        assert relevant == holding  # every relevant scene holds both; every other scene does not


def test_shapeworld_task_parts_and_gallery(world, task):
    from bindcore_shapeworld.composition import holds_both

    assert set(task.gallery[0]) == {"image", "text", "audio"}  # IMU carries neither shape nor colour
    from bindcore_shapeworld.captions import COLOUR_WORDS, SHAPE_WORDS

    first, second = task.parts[0]
    assert task.parts[1] == (second, first)  # each pair is asked both ways round
    assert first["image"].shape == (32, 32, 3) and first["audio"][0].ndim == 1
    colour, shape = task.names[0].split(" + ")[0].split()  # "red circle"
    assert any(word in first["text"] for word in sum(SHAPE_WORDS[shape], []))  # the caption names object A
    assert any(word in first["text"] for word in sum(COLOUR_WORDS[colour], []))
    assert holds_both([{"shape": "circle", "colour": "red"}, {"shape": "star", "colour": "blue"}],
                      ("circle", "red"), ("star", "blue"))
    assert not holds_both([{"shape": "circle", "colour": "red"}], ("circle", "red"), ("circle", "red"))
    assert not holds_both([{"shape": "circle", "colour": "red"}, {"shape": "star", "colour": "red"}],
                          ("circle", "red"), ("star", "blue"))


def test_shapeworld_task_is_deterministic(world, task):
    from bindcore_shapeworld import ShapeWorldConfig, build

    again = build(ShapeWorldConfig(**WORLD), "test").composed_retrieval(["image", "text", "audio", "imu"], 120)
    assert again.names == task.names and again.relevant == task.relevant
    assert np.array_equal(again.gallery[5]["image"], task.gallery[5]["image"])
    assert np.array_equal(again.parts[3][0]["audio"][0], task.parts[3][0]["audio"][0])
    other = build(ShapeWorldConfig(**{**WORLD, "seed": 1}), "test").composed_retrieval(["image"], 120)
    assert other.relevant != task.relevant
    assert world.composed_retrieval(["imu"], 120) is None  # nothing to draw the objects in


# --- a tiny real model end to end -----------------------------------------------------------------------------


def test_tiny_model_end_to_end(host):
    from bindcore.model import build_model
    from bindcore_shapeworld import ShapeWorldConfig, build

    tiny = build_model(TINY, host=host, seed=0)
    dataset = build(ShapeWorldConfig(**{**WORLD, "modalities": ["image", "text", "imu"]}), "test")
    r = evaluate(tiny, dataset, EvalConfig(compose=[["image", "text"]], modalities=["image", "text", "imu"],
                                           max_items=80))
    scenes = r["composed_scenes"]["image+text"]
    assert set(scenes) == {"image", "text"}
    for target in scenes.values():
        assert set(target) == {"image+text", "image", "text"}
        for m in target.values():
            assert set(m) == SCENE_METRICS and m["queries"] > 0
            assert all(0.0 <= m[k] <= 1.0 for k in SCENE_METRICS - {"queries"})
            assert m["recall@1"] <= m["recall@5"] <= m["recall@10"] and m["hit@1"] <= m["hit@5"] <= m["hit@10"]
    assert r["composed_scenes_task"]["gallery"] == 80
    json.dumps(r, allow_nan=False)
    assert "| image+text | image |" in to_markdown(r)
    direct, summary = composed_scenes(tiny, dataset, [("image", "text")], ["image", "text"], max_gallery=80,
                                      batch_size=64)
    assert direct["image+text"]["text"]["image+text"] == pytest.approx(scenes["text"]["image+text"], abs=1e-6)
    assert summary == r["composed_scenes_task"]


def test_benchmark_script_quick():
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, str(repo / "benchmarks" / "composed_queries.py"), "--quick"],
                            capture_output=True, text=True, cwd=repo, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| run | task | query a + b | target | R@10 a+b | R@10 a | R@10 b | a+b > both |" in result.stdout
    for task in ("shape+colour", "colour"):
        assert f"| tiny (random weights) | {task} | image+audio | text |" in result.stdout


def test_shapeworld_colour_only_task(world):
    from bindcore_shapeworld.composition import composed_retrieval

    two = type(world)(world.cfg.model_copy(update={"two_object_prob": 1.0}), "test")
    colours = [sorted(o.colour for o in two.scene(i).objects) for i in range(120)]
    task = composed_retrieval(world, ["image", "text"], 120, matched=("colour",))
    assert "A's colour and another with B's" in task.description and len(task.parts) == 12  # 6 colour pairs x 2
    for name, relevant in zip(task.names, task.relevant):
        a, b = name.split(" + ")  # "red + blue"
        assert relevant == [i for i, c in enumerate(colours) if c == sorted([a, b])]
    with pytest.raises(ValueError, match="shape and/or colour"):
        composed_retrieval(world, ["image"], 120, matched=("size",))
