import pytest
import torch

from bindcore.errors import BindcoreError, InputError


def test_embed_batches_and_matches_forward(toy_model):
    items = [[float(i), 1.0] for i in range(7)]
    out = toy_model.embed({"toy": items}, batch_size=3, progress=False)
    toy_model.eval()
    with torch.no_grad():
        direct = toy_model({"toy": toy_model.preprocess("toy", items)})["toy"]
    assert torch.allclose(out["toy"], direct, atol=1e-5)


def test_skip_reports_failures(toy_model):
    out = toy_model.embed({"toy": [[1.0], "bad", [], [2.0]]}, on_error="skip", progress=False)
    assert out["toy"].shape == (2, 8) and out.indices["toy"] == [0, 3]
    assert [(f.index, f.reason) for f in out.failures] == [(1, "toy items are lists of numbers, not text"), (2, "empty")]


def test_raise_names_the_item(toy_model):
    with pytest.raises(InputError, match="^1: toy items"):
        toy_model.embed({"toy": [[1.0], "bad"]}, progress=False)


def test_workers_give_the_same_result(toy_model):
    items = [[float(i)] * 3 for i in range(10)]
    a = toy_model.embed({"toy": items}, batch_size=4, progress=False)["toy"]
    b = toy_model.embed({"toy": items}, batch_size=4, num_workers=2, progress=False)["toy"]
    assert torch.allclose(a, b)


def test_bf16_is_close(toy_model):
    items = [[float(i), 2.0] for i in range(4)]
    a = toy_model.embed({"toy": items}, progress=False)["toy"]
    b = toy_model.embed({"toy": items}, precision="bf16", progress=False)["toy"]
    assert b.dtype == torch.float32 and (a * b).sum(-1).min() > 0.99


@pytest.mark.parametrize("inputs, match", [({}, "non-empty"), ({"toy": []}, "no 'toy' items"),
                                           ({"toy": "abc"}, "expected a list")])
def test_bad_calls(toy_model, inputs, match):
    with pytest.raises(InputError, match=match):
        toy_model.embed(inputs)


def test_unknown_modality_and_precision(toy_model):
    with pytest.raises(BindcoreError, match="holds no modality"):
        toy_model.embed({"sound": [[1.0]]})
    with pytest.raises(BindcoreError, match="unknown precision"):
        toy_model.embed({"toy": [[1.0]]}, precision="fp8")
