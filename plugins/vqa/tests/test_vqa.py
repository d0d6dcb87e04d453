"""The VQA head end to end: train a few steps, answer from Python and the CLI, bad input, resume, variants."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

import bindcore
from bindcore import CheckpointError, ConfigError, InputError
from bindcore.cli.main import main


@pytest.fixture
def scene_png(tmp_path):
    path = tmp_path / "scene.png"
    img = np.full((40, 40, 3), 120, np.uint8)
    img[10:30, 10:30] = (220, 30, 25)  # a red square
    Image.fromarray(img).save(path)
    return str(path)


def test_training_writes_head_and_evaluation_per_question_type(trained_run):
    head = trained_run / "checkpoint" / "task_head"
    assert (head / "head.safetensors").is_file()
    meta = json.loads((head / "head.json").read_text())
    assert meta["name"] == "vqa" and meta["plugin"] == "vqa" and meta["state"]["answers"][0] == "<unk>"
    assert {"red", "yes", "two", "left"} <= set(meta["state"]["answers"])
    results = json.loads((trained_run / "eval.json").read_text())["task"]
    assert set(results["groups"]) == {"colour", "shape", "size", "count", "exists", "relation"}
    assert results["items"] == 24 and 0 <= results["accuracy"] <= 1
    assert list(results["holdout"]) == ["held_out"] and results["holdout"]["held_out"]["items"] == 24  # test: all held out
    assert "| **overall** | 24 |" in (trained_run / "eval.md").read_text()
    losses = [json.loads(line)["loss"] for line in (trained_run / "metrics.jsonl").read_text().splitlines()]
    assert len(losses) == 4 and all(np.isfinite(losses))


def test_answer_from_python_single_and_batched(trained_run, scene_png):
    vqa = bindcore.load_task_model(trained_run)
    one = vqa.answer(scene_png, "what colour is the square?")
    assert one.answer in vqa.answers and 0 < one.probability <= 1
    array = np.asarray(Image.open(scene_png))
    many = vqa.answer([scene_png, array], ["what colour is the square?", "how many objects are there?"])
    assert len(many) == 2 and many[0] == one  # batching does not change an answer
    logits = vqa.task.logits([{"image": scene_png, "question": "what colour is the square?"}])
    assert logits.shape == (1, len(vqa.answers))


def test_cli_prints_answer_and_probability(trained_run, scene_png, capsys):
    assert main(["vqa", "--model", str(trained_run), scene_png, "what colour is the square?"]) == 0
    answer, probability = capsys.readouterr().out.strip().split("\t")
    assert answer in bindcore.load_task_model(trained_run).answers and 0 < float(probability) <= 1


@pytest.mark.parametrize("question, message", [
    ("", "the question is empty"),
    ("   ", "the question is empty"),
    ("what colour " * 20 + "is the square?", "too long for the question encoder's context of 16 tokens"),
])
def test_bad_questions_give_one_clear_message(trained_run, scene_png, question, message, capsys):
    with pytest.raises(InputError, match=message):
        bindcore.load_task_model(trained_run).answer(scene_png, question)
    assert main(["vqa", "--model", str(trained_run), scene_png, question]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: question: ") and message in err and "Traceback" not in err


def test_an_image_that_fails_to_decode_is_named(trained_run, tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    with pytest.raises(InputError, match="broken.png"):
        bindcore.load_task_model(trained_run).answer(str(broken), "what colour is the square?")
    assert main(["vqa", "--model", str(trained_run), str(broken), "what colour is the square?"]) == 1
    err = capsys.readouterr().err
    assert "broken.png" in err and "Traceback" not in err and err.count("\n") == 1


def test_unknown_visual_modality_is_refused_before_training(tmp_path, host, make_config):
    from bindcore.train.config import resolve_run_config

    with pytest.raises(ConfigError, match=r"stages.0: the model has no modality 'lidar' for the task head 'vqa' \(it has: depth, image, text\)"):
        resolve_run_config(make_config(tmp_path, visual="lidar"), host)
    with pytest.raises(ConfigError, match="visual and question are both 'text'"):
        resolve_run_config(make_config(tmp_path, visual="text"), host)


def test_a_run_without_a_head_is_refused(tmp_path):
    with pytest.raises(CheckpointError, match="holds no task head"):
        bindcore.load_task_model(tmp_path)


def test_unknown_answers_map_to_unk_and_rare_ones_are_dropped():
    from bindcore_vqa.config import VQAConfig
    from bindcore_vqa.vocabulary import build_vocabulary

    data = [{"answer": a} for a in ["red"] * 3 + ["blue"] * 2 + ["mauve"]]
    state = build_vocabulary(VQAConfig(min_answer_count=2), data)
    assert state == {"answers": ["<unk>", "red", "blue"]}


@pytest.mark.parametrize("fusion", ["none", "concat", "cross"])
def test_every_variant_builds_and_answers_over_the_vocabulary(fusion, host, tmp_path, make_config):
    from bindcore.config import validate
    from bindcore.model import build_model

    from bindcore_vqa.config import VQAConfig
    from bindcore_vqa.head import build

    cfg = make_config(tmp_path, fusion=fusion)["stages"][0]["head"]["params"]
    model = build_model(make_config(tmp_path)["model"], modalities=["image", "text"], host=host, seed=0)
    head = build(validate(VQAConfig, cfg), model=model, state={"answers": ["<unk>", "yes", "no"]}, host=host)
    assert head.target({"answer": "no"}) == 2 and head.target({"answer": "maybe"}) == 0
    item = {"image": np.zeros((32, 32, 3), np.uint8), "question": "is there a red square?"}
    batch = {m: model.preprocess(m, [x, x]) for m, x in head.inputs(item).items()}
    assert set(batch) == ({"text"} if fusion == "none" else {"image", "text"})
    logits = head(model, batch)
    assert logits.shape == (2, 3)
    logits.sum().backward()
    assert all(p.grad is not None for p in head.classifier.parameters())


@pytest.mark.parametrize("visual_summary", [False, True])
def test_the_question_attends_to_places_and_to_the_summary_token_only_when_asked(visual_summary, host, tmp_path, make_config):
    from bindcore.config import validate
    from bindcore.model import build_model

    from bindcore_vqa.config import VQAConfig
    from bindcore_vqa.head import build

    model = build_model(make_config(tmp_path)["model"], modalities=["image", "text"], host=host, seed=0).eval()
    cfg = validate(VQAConfig, {"visual_summary": visual_summary,
                               "fusion": {"name": "cross_attention", "params": {"width": 32, "heads": 2}}})
    head = build(cfg, model=model, state={"answers": ["<unk>", "yes", "no"]}, host=host)
    seen = {}
    head.fusion.register_forward_pre_hook(lambda module, args: seen.update(args[0]))
    batch = {"image": model.preprocess("image", [np.zeros((32, 32, 3), np.uint8)]),
             "text": model.preprocess("text", ["is there a red square?"])}
    head(model, batch)
    every = model.encode_tokens("image", batch["image"])  # (1, 1 + N, D): CLS first
    assert model.modality("image").summary_tokens == 1
    assert torch.equal(seen["image"], every if visual_summary else every[:, 1:])


@pytest.mark.parametrize("visual", ["depth", "audio"])
def test_other_visual_modalities_feed_the_cross_attention(visual, host):
    from bindcore.config import validate
    from bindcore.model import build_model

    from bindcore_vqa.config import VQAConfig
    from bindcore_vqa.head import build

    model = build_model("tiny", modalities=[visual, "text"], host=host, seed=0)
    cfg = validate(VQAConfig, {"visual": visual, "fusion": {"name": "cross_attention", "params": {"width": 32, "heads": 2}}})
    head = build(cfg, model=model, state={"answers": ["<unk>", "one", "two"]}, host=host)
    raw = model.modality(visual).spec.dummy_raw(model.modality(visual).cfg)[0]
    batch = {visual: model.preprocess(visual, [raw, raw]), "text": model.preprocess("text", ["how many?", "count"])}
    assert head(model, batch).shape == (2, 3)


def test_resume_after_an_interruption_gives_the_same_head(tmp_path, monkeypatch, make_config, save_config):
    from safetensors.torch import load_file

    from bindcore.train import task as task_recipe
    from bindcore.train.run import train

    whole = train(save_config(tmp_path / "a.yaml", make_config(tmp_path / "a", steps=4)))
    calls = {"n": 0}
    real = task_recipe.TaskRecipe.losses

    def interrupted(self, batch, device):
        calls["n"] += 1
        if calls["n"] == 4:  # during step 4, after the checkpoint at step 2
            raise KeyboardInterrupt
        return real(self, batch, device)

    config = save_config(tmp_path / "b.yaml", make_config(tmp_path / "b", steps=4))
    monkeypatch.setattr(task_recipe.TaskRecipe, "losses", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train(config)
    monkeypatch.setattr(task_recipe.TaskRecipe, "losses", real)
    resumed = train(config, resume=True)
    a = load_file(str(whole / "checkpoint" / "task_head" / "head.safetensors"))
    b = load_file(str(resumed / "checkpoint" / "task_head" / "head.safetensors"))
    assert a.keys() == b.keys() and all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def test_bindcore_eval_reevaluates_the_head_per_question_type(trained_run, capsys):
    assert main(["eval", str(trained_run), "--max-items", "12"]) == 0
    out = capsys.readouterr().out
    assert "Task head 'vqa' on split 'test'" in out and "| **overall** | 12 |" in out
    assert json.loads((trained_run / "eval.json").read_text())["task"]["items"] == 12
    mixed = "dataset={name: shapeworld_qa, params: {image_size: 32, sizes: {train: 200, test: 24}, test_holdout_only: false}}"
    assert main(["eval", str(trained_run), "--max-items", "12", mixed]) == 0  # test scenes of seen combinations too
    holdout = json.loads((trained_run / "eval.json").read_text())["task"]["holdout"]
    assert set(holdout) == {"seen", "held_out"} and holdout["seen"]["items"] + holdout["held_out"]["items"] == 12
    assert "| *combinations seen in training* |" in capsys.readouterr().out


def test_init_from_a_run_with_frozen_encoders_keeps_them(trained_run, tmp_path, make_config, save_config):
    from safetensors.torch import load_file

    from bindcore.train.run import train

    data = make_config(tmp_path / "frozen", steps=2)
    data["init_from"] = str(trained_run)
    data["stages"][0]["finetune"] = []  # encoders frozen: only the head trains
    out = train(save_config(tmp_path / "frozen.yaml", data))
    for name in ("image", "text"):
        before = load_file(str(trained_run / "checkpoint" / "weights" / f"{name}.safetensors"))
        after = load_file(str(out / "checkpoint" / "weights" / f"{name}.safetensors"))
        assert all(torch.equal(before[k], after[k]) for k in before)
    head_before = load_file(str(trained_run / "checkpoint" / "task_head" / "head.safetensors"))
    head_after = load_file(str(out / "checkpoint" / "task_head" / "head.safetensors"))
    assert any(not torch.equal(head_before[k], head_after[k]) for k in head_before)  # a fresh head was trained
    data["model"]["modalities"]["audio"] = {"width": 32, "blocks": 1, "heads": 2}
    data["out_dir"] = str(tmp_path / "missing")
    with pytest.raises(CheckpointError, match="holds no weights for audio"):
        train(save_config(tmp_path / "missing.yaml", data))


@pytest.mark.parametrize("fusion,debias", [("concat", "rubi"), ("cross", "rubi"), ("cross", "poe")])
def test_debias_trains_against_a_question_only_branch(fusion, debias, host, tmp_path, make_config):
    from bindcore.config import validate
    from bindcore.model import build_model

    from bindcore_vqa.config import VQAConfig
    from bindcore_vqa.head import build

    cfg = validate(VQAConfig, {**make_config(tmp_path, fusion=fusion)["stages"][0]["head"]["params"], "debias": debias})
    model = build_model(make_config(tmp_path)["model"], modalities=["image", "text"], host=host, seed=0)
    head = build(cfg, model=model, state={"answers": ["<unk>", "yes", "no"]}, host=host)
    item = {"image": np.zeros((32, 32, 3), np.uint8), "question": "is there a red square?"}
    batch = {m: model.preprocess(m, [x, x]) for m, x in head.inputs(item).items()}
    targets = torch.tensor([1, 2])
    losses = head.losses(model, batch, targets)
    logits, question = head._answer(model, batch)
    prior = head.question_only(question)
    debiased = (logits * torch.sigmoid(prior) if debias == "rubi"
                else torch.log_softmax(logits, -1) + torch.log_softmax(prior, -1))
    assert torch.allclose(losses["task"], torch.nn.functional.cross_entropy(debiased, targets))
    assert torch.allclose(losses["question_only"], torch.nn.functional.cross_entropy(prior, targets))
    sum(losses.values()).backward()
    assert all(p.grad is not None for p in head.question_only.parameters())
    # the question-only loss does not reach the question encoder, and answering leaves the branch out
    text_grads = [p.grad.clone() for p in model.modality("text").parameters() if p.grad is not None]
    model.zero_grad()
    losses = head.losses(model, batch, targets)
    losses["question_only"].backward()
    assert text_grads and all(p.grad is None or not p.grad.any() for p in model.modality("text").parameters())
    before = head(model, batch)
    torch.nn.init.constant_(head.question_only[-1].bias, 5.0)
    assert torch.equal(head(model, batch), before)


def test_debias_needs_a_fusion(tmp_path, host, make_config):
    from bindcore.train.config import resolve_run_config

    with pytest.raises(ConfigError, match="debias needs a fusion"):
        resolve_run_config(make_config(tmp_path, fusion="none", debias="rubi"), host)
