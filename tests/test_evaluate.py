"""bindcore.evaluate: metric functions on hand-made embeddings, evaluate() end to end, reports and `bindcore eval`."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import yaml

from bindcore.errors import BindcoreError
from bindcore.evaluate import EvaluationError, evaluate, to_markdown, write_report
from bindcore.evaluate import metrics
from bindcore.train.config import EvalConfig

KEYS = {"zero_shot", "zero_shot_holdout", "chance", "retrieval", "compositional", "compositional_gap", "composed",
        "composed_scenes", "composed_scenes_task", "confusion", "similarity", "items", "split"}
METRIC_KEYS = {"R@1", "R@5", "R@10", "median_rank"}
TINY = {"embed_dim": 32, "modalities": {
    "image": {"width": 32, "blocks": 1, "heads": 2, "image_size": 32, "patch_size": 8},
    "text": {"width": 32, "blocks": 1, "heads": 2, "context_length": 32},
    "imu": {"width": 32, "blocks": 1, "heads": 2, "length": 200, "model_rate": 40.0},
}}
WORLD = {"sizes": {"train": 8, "val": 6, "test": 40}, "modalities": ["image", "text", "imu"], "image_size": 32}


# --- metric functions on hand-made embeddings ---------------------------------------------------------------


def test_retrieval_identity_is_perfect_and_a_shift_is_worst():
    eye = torch.eye(12)  # (N, E)
    assert metrics.retrieval(eye, eye) == {"R@1": 1.0, "R@5": 1.0, "R@10": 1.0, "median_rank": 1.0}
    shifted = metrics.retrieval(eye, eye.roll(1, 0))  # query i's true target scores 0, like every other
    assert shifted["R@1"] == shifted["R@5"] == shifted["R@10"] == 0.0 and shifted["median_rank"] == 12
    assert metrics.retrieval_ranks(eye, torch.ones(12, 12)).tolist() == [12] * 12  # ties count against the query


def test_zero_shot_metrics_on_hand_made_embeddings():
    labels = torch.tensor([0, 1, 2, 1, 0])
    classes = torch.eye(3, 8)  # (C, E)
    z = classes[labels] + 0.01 * torch.randn(5, 8)  # items are their class embedding, slightly perturbed
    assert metrics.accuracy(metrics.classify(z, classes), labels) == 1.0
    assert metrics.accuracy(metrics.classify(z, classes.roll(1, 0)), labels) == 0.0
    prompts = [torch.stack([c + 0.1 * torch.randn(8) for _ in range(4)]) for c in classes]  # C x (P, E)
    assert torch.allclose(metrics.class_embeddings(prompts).norm(dim=-1), torch.ones(3))
    assert (metrics.class_embeddings(prompts) @ classes.T).argmax(-1).tolist() == [0, 1, 2]
    predicted = torch.tensor([0, 1, 1, 1, 2])
    assert metrics.confusion_matrix(predicted, labels, 3) == [[1, 0, 1], [0, 2, 0], [0, 1, 0]]


def test_sub_classes_are_scored_by_the_best_match():
    # class 0 is "e0 or e1" (a sub-class each); class 1 leans to e0, nearer it than class 0's mean is
    eye = torch.eye(3)
    subclasses = [eye[:2], (0.8 * eye[0] + 0.6 * eye[2])[None]]  # C x (S_c, E)
    z = eye[:2]  # items: one of each sub-class of class 0
    assert metrics.classify(z, metrics.class_embeddings(subclasses)).tolist() == [1, 0]  # the mean blurs them
    assert metrics.classify(z, subclasses).tolist() == [0, 0]
    assert evaluate(EchoModel(), SubClassWorld(), EvalConfig(prompts="p"))["zero_shot"]["a"] == {"parity": 1.0}
    as_paraphrases = SubClassWorld(paraphrases=True)  # the same prompts as one list: their mean is the class
    assert evaluate(EchoModel(), as_paraphrases, EvalConfig(prompts="p"))["zero_shot"]["a"] == {"parity": 7 / 8}


def test_malformed_sub_classes_are_named():
    bad = SubClassWorld()
    bad.zero_shot_tasks = lambda: {"parity": {"even": {"zero": []}, "odd": ["x"]}}
    with pytest.raises(EvaluationError, match="class 'even', sub-class 'zero': give a non-empty list"):
        evaluate(EchoModel(), bad, EvalConfig(prompts="p"))
    bad.zero_shot_tasks = lambda: {"parity": {"even": {}, "odd": ["x"]}}
    with pytest.raises(EvaluationError, match="class 'even': give at least one sub-class"):
        evaluate(EchoModel(), bad, EvalConfig(prompts="p"))


def test_compose_and_swap_probe():
    a, b = torch.eye(4)[:2], torch.eye(4)[2:]
    assert torch.allclose(metrics.compose(a, b), (a + b) / math.sqrt(2))
    z = torch.eye(4)
    assert metrics.swap_preference(z, z, -z) == (1.0, 2.0)
    assert metrics.swap_preference(z, -z, z) == (0.0, -2.0)
    assert metrics.paired_cosine(z, z) == pytest.approx(1.0)


# --- evaluate() through a fake model whose embeddings are the raw vectors -----------------------------------


class EchoModel:
    """A model stand-in: holds modalities "a", "b", "c", "p" and embeds a raw vector as itself, normalised."""

    names = ["a", "b", "c", "p"]
    embed_dim = 8

    def modality(self, name):
        if name not in self.names:
            raise BindcoreError(f"this model holds no modality '{name}'")
        return name

    def embed(self, inputs, batch_size=32, progress=None):
        return {m: F.normalize(torch.tensor(np.stack(v), dtype=torch.float32), dim=-1) for m, v in inputs.items()}


class ParityWorld:
    """Item i: modalities a, b, c are the one-hot vector e_i; task "parity"; captions +-e_i; b missing for item 7."""

    def __init__(self, wrong_labels=False):
        self.wrong = wrong_labels

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if not 0 <= i < 8:
            raise IndexError(i)
        e = np.eye(8, dtype=np.float32)[i]
        parity = ["even", "odd"][(i + self.wrong) % 2]
        return {"a": e, "b": None if i == 7 else e, "c": e, "_labels": {"parity": parity}, "_objects": [{}, {}]}

    def zero_shot_tasks(self):
        eye = np.eye(8, dtype=np.float32)
        return {"parity": {"even": [eye[0] + eye[2], eye[4] + eye[6]], "odd": [eye[1] + eye[3], eye[5] + eye[7]]}}

    def caption_with_swap(self, item):
        return item["a"], -item["a"]


def test_evaluate_oracle_is_perfect():
    r = evaluate(EchoModel(), ParityWorld(), EvalConfig(prompts="p", compose=[["a", "b"]], split="test"))
    assert set(r) == KEYS and r["items"] == 8 and r["split"] == "test"
    assert r["zero_shot"] == {"a": {"parity": 1.0}, "b": {"parity": 1.0}, "c": {"parity": 1.0}}
    assert r["chance"] == {"parity": 0.5}
    assert r["confusion"]["b"]["parity"] == {"classes": ["even", "odd"], "matrix": [[4, 0], [0, 3]]}  # b lacks item 7
    assert r["retrieval"]["a"]["b"] == {"R@1": 1.0, "R@5": 1.0, "R@10": 1.0, "median_rank": 1.0}
    assert set(r["retrieval"]) == {"a", "b", "c"} and "p" not in r["similarity"]  # no item holds p
    assert r["compositional"] == {"a": 1.0, "b": 1.0, "c": 1.0} and r["compositional_gap"]["a"] == pytest.approx(2.0)
    assert set(r["composed"]["a+b"]["c"]) == {"a+b", "a", "b"}
    assert r["composed"]["a+b"]["c"]["a+b"]["R@1"] == 1.0


class SubClassWorld(ParityWorld):
    """ParityWorld whose "even" class is four sub-classes (one per even item); the "odd" prompt leans to item 0."""

    def __init__(self, paraphrases=False):
        super().__init__()
        self.paraphrases = paraphrases

    def zero_shot_tasks(self):
        eye = np.eye(8, dtype=np.float32)
        even = {f"e{i}": [eye[i]] for i in (0, 2, 4, 6)}
        odd = [0.5 * (eye[1] + eye[3] + eye[5] + eye[7]) + 0.8 * eye[0]]
        return {"parity": {"even": [p for ps in even.values() for p in ps] if self.paraphrases else even, "odd": odd}}


class SingleObjectWorld(ParityWorld):
    """ParityWorld with one object per item: the compositional probe has nothing to swap."""

    def __getitem__(self, i):
        return {**super().__getitem__(i), "_objects": [{}]}


def test_probe_dataset_feeds_the_compositional_probe():
    single = evaluate(EchoModel(), SingleObjectWorld(), EvalConfig(prompts="p"))
    assert single["compositional"] == {} and single["zero_shot"]["a"] == {"parity": 1.0}
    probed = evaluate(EchoModel(), SingleObjectWorld(), EvalConfig(prompts="p"), probe_dataset=ParityWorld(True))
    assert probed["compositional"] == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert probed["zero_shot"] == single["zero_shot"] and probed["items"] == 8


class HeldOutWorld(ParityWorld):
    """ParityWorld whose items 5-7 are held-out combinations, item 6 with the wrong label."""

    def __getitem__(self, i):
        item = super().__getitem__(i)
        if i == 6:
            item["_labels"] = {"parity": "odd"}
        return {**item, "_holdout": i >= 5}


def test_zero_shot_is_also_reported_apart_for_held_out_items():
    r = evaluate(EchoModel(), HeldOutWorld(), EvalConfig(prompts="p"))
    assert r["zero_shot"]["a"] == {"parity": 7 / 8}
    assert r["zero_shot_holdout"]["a"] == {"parity": {"seen": {"accuracy": 1.0, "items": 5},
                                                      "held_out": {"accuracy": 2 / 3, "items": 3}}}
    assert r["zero_shot_holdout"]["b"]["parity"]["held_out"] == {"accuracy": 0.5, "items": 2}  # b lacks item 7
    assert "| a | parity | 1.000 | 5 | 0.667 | 3 |" in to_markdown(r)
    assert evaluate(EchoModel(), ParityWorld(), EvalConfig(prompts="p"))["zero_shot_holdout"] == {}  # items do not say


def test_evaluate_wrong_labels_score_zero():
    r = evaluate(EchoModel(), ParityWorld(wrong_labels=True), EvalConfig(prompts="p"))
    assert r["zero_shot"]["a"] == {"parity": 0.0}


def test_evaluate_errors_are_bindcore_errors():
    items = [ParityWorld()[i] for i in range(8)]  # a plain list: no zero_shot_tasks
    with pytest.raises(EvaluationError, match="zero_shot_tasks"):
        evaluate(EchoModel(), items, EvalConfig(prompts="p"))
    only_retrieval = evaluate(EchoModel(), items, EvalConfig())
    assert only_retrieval["zero_shot"] == {} and only_retrieval["retrieval"]["a"]["c"]["R@1"] == 1.0
    with pytest.raises(EvaluationError, match="map-style"):
        evaluate(EchoModel(), object(), EvalConfig())
    with pytest.raises(BindcoreError, match="sonar"):
        evaluate(EchoModel(), ParityWorld(), EvalConfig(modalities=["a", "sonar"]))
    with pytest.raises(EvaluationError, match="no evaluated item holds a value for p"):
        evaluate(EchoModel(), ParityWorld(), EvalConfig(modalities=["a", "p"]))
    with pytest.raises(EvaluationError, match="eval.compose"):
        evaluate(EchoModel(), ParityWorld(), EvalConfig(modalities=["a", "b"], compose=[["a", "b"]]))


# --- a tiny real model on ShapeWorld -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(host):
    from bindcore.model import build_model

    return build_model(TINY, host=host, seed=0)


@pytest.fixture(scope="module")
def results(tiny):
    from bindcore_shapeworld import ShapeWorldConfig, build

    dataset = build(ShapeWorldConfig(**WORLD), "test")
    return evaluate(tiny, dataset, EvalConfig(prompts="text", compose=[["image", "imu"]], max_items=40))


def _in_unit(value):
    return 0.0 <= value <= 1.0


def test_shapeworld_result_layout(results):
    assert set(results) == KEYS and results["items"] == 40 and results["split"] == "test"
    assert set(results["zero_shot"]) == {"image", "imu"}  # never the prompt modality
    assert set(results["zero_shot"]["image"]) == {"shape", "colour", "size", "distance"}
    assert set(results["zero_shot"]["imu"]) == {"motion"}
    chance = {"shape": 0.25, "colour": 0.25, "size": 0.5, "distance": 0.5, "motion": 1 / 6}
    assert results["chance"] == pytest.approx(chance)
    assert all(_in_unit(a) for accs in results["zero_shot"].values() for a in accs.values())
    pairs = {(q, t) for q, targets in results["retrieval"].items() for t in targets}
    assert pairs == {(q, t) for q in ("image", "text", "imu") for t in ("image", "text", "imu") if q != t}
    for targets in results["retrieval"].values():
        for m in targets.values():
            assert set(m) == METRIC_KEYS and all(_in_unit(m[k]) for k in ("R@1", "R@5", "R@10"))
            assert m["R@1"] <= m["R@5"] <= m["R@10"] and 1 <= m["median_rank"] <= 40
    assert set(results["compositional"]) == {"image", "imu"} and all(map(_in_unit, results["compositional"].values()))
    assert set(results["compositional_gap"]) == {"image", "imu"}
    assert set(results["composed"]) == {"image+imu"} and set(results["composed"]["image+imu"]) == {"text"}
    matrix = results["confusion"]["image"]["shape"]["matrix"]
    assert len(matrix) == 4 and all(len(row) == 4 for row in matrix) and sum(map(sum, matrix)) == 40
    assert results["similarity"]["text"]["text"] == pytest.approx(1.0, abs=1e-5)
    split = results["zero_shot_holdout"]["image"]["shape"]  # ShapeWorld marks held-out (shape, colour) pairs
    assert split["seen"]["items"] + split["held_out"]["items"] == 40
    json.dumps(results, allow_nan=False)


def test_write_report_files(results, tmp_path):
    written = write_report(results, tmp_path / "out")
    assert [p.name for p in written] == ["eval.json", "eval.md", "similarity.png", "recall_at_k.png"]
    assert json.loads((tmp_path / "out" / "eval.json").read_text()) == results
    md = (tmp_path / "out" / "eval.md").read_text()
    assert md == to_markdown(results)
    for heading in ("## Zero-shot", "## Retrieval", "## Compositional", "## Composed"):
        assert heading in md
    assert "| *chance* | 0.250 | 0.250 | 0.500 | 0.500 | 0.167 |" in md and "| image -> text |" in md
    for png in written[2:]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the command line ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tiny, tmp_path_factory):
    path = tmp_path_factory.mktemp("run")
    tiny.save(path / "checkpoint")
    config = {"out_dir": str(path), "model": tiny.config,
              "data": {"dataset": {"name": "shapeworld", "params": WORLD}},
              "stages": [{"name": "bind", "recipe": "bind", "anchor": "image", "modalities": ["imu"], "steps": 1}],
              "eval": {"split": "test", "max_items": 40, "batch_size": 64, "prompts": "text"}}
    (path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def test_cli_eval_end_to_end(run_dir, tmp_path, capsys):
    from bindcore.cli.main import main

    data = tmp_path / "data.yaml"
    data.write_text(yaml.safe_dump({"prompts": "text", "modalities": ["image", "text"], "batch_size": 16}))
    assert main(["eval", str(run_dir), "--data", str(data), "--split", "val", "--max-items", "5", "max_items=4"]) == 0
    out = capsys.readouterr()
    assert "## Zero-shot top-1 accuracy" in out.out and "| image -> text |" in out.out and "eval.json" in out.err
    saved = json.loads((run_dir / "eval.json").read_text())
    assert saved["split"] == "val" and saved["items"] == 4 and set(saved["retrieval"]) == {"image", "text"}
    assert all((run_dir / name).is_file() for name in ("eval.md", "similarity.png", "recall_at_k.png"))


def test_cli_eval_bad_input(run_dir, tmp_path, capsys):
    from bindcore.cli.main import main

    assert main(["eval", str(tmp_path / "nowhere")]) == 1
    assert "no run directory" in capsys.readouterr().err
    assert main(["eval", str(run_dir), "prompts=sonar", "--no-plots"]) == 1
    assert "sonar" in capsys.readouterr().err
