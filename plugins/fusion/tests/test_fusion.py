"""The fusion modules: registration, any pair of modalities, gates with a missing modality, cross-attention masks."""

from __future__ import annotations

import pytest
import torch

from bindcore import ConfigError, InputError, PluginHost
from bindcore.config import validate

import bindcore_fusion.plugin as plugin


@pytest.fixture(scope="module")
def fusions():
    return PluginHost.load(autoload=False, extra=[("fusion", plugin)], strict=True).fusions


def make(fusions, name: str, sizes: dict, **params):
    spec = fusions.get(name)
    return spec.build(validate(spec.Config, params), sizes)


def test_registers_three_fusions_with_what_they_take(fusions):
    assert fusions.names() == ["concat_mlp", "cross_attention", "gated"]
    assert [fusions.get(n).takes for n in fusions.names()] == ["pooled", "tokens", "pooled"]
    assert PluginHost.load(allow=["fusion"], strict=True).fusions.names() == fusions.names()  # the entry point


@pytest.mark.parametrize("name", ["concat_mlp", "gated"])
def test_pooled_fusions_take_vectors_or_tokens_and_learn(fusions, name):
    torch.manual_seed(0)
    fusion = make(fusions, name, {"audio": 12, "depth": 20}, out_dim=8)
    x = {"audio": torch.randn(4, 12), "depth": torch.randn(4, 5, 20)}  # a vector and tokens (mean-pooled)
    out = fusion(x)
    assert out.shape == (4, 8) and fusion.out_dim == 8
    out.square().sum().backward()
    assert all(p.grad is not None for p in fusion.parameters())


def test_concat_mlp_needs_every_input(fusions):
    fusion = make(fusions, "concat_mlp", {"image": 6, "text": 6}, out_dim=4)
    with pytest.raises(InputError, match="missing: text"):
        fusion({"image": torch.randn(2, 6)})


def test_gated_is_robust_to_a_missing_modality(fusions):
    torch.manual_seed(0)
    fusion = make(fusions, "gated", {"image": 6, "audio": 10, "imu": 4}, out_dim=5).eval()
    full = {"image": torch.randn(3, 6), "audio": torch.randn(3, 10), "imu": torch.randn(3, 4)}
    both = fusion({"image": full["image"], "audio": full["audio"]})  # imu absent
    with_none = fusion({**full, "imu": None})
    assert both.shape == (3, 5) and torch.isfinite(both).all()
    assert torch.allclose(with_none, both)
    alone = fusion({"audio": full["audio"]})  # one input: its gate weight is 1
    assert torch.allclose(alone, fusion.projs["audio"](fusion.norms["audio"](full["audio"])), atol=1e-6)
    with pytest.raises(InputError, match="at least one input"):
        fusion({})
    with pytest.raises(InputError, match="unknown input depth"):
        fusion({"depth": torch.randn(3, 4)})


def test_cross_attention_reads_the_context_through_several_prenorm_layers(fusions):
    torch.manual_seed(0)
    fusion = make(fusions, "cross_attention", {"text": 16, "thermal": 24}, width=32, layers=3, heads=4, out_dim=7)
    assert len(fusion.blocks) == 3 and (fusion.query, fusion.context) == ("text", "thermal")
    q, c = torch.randn(2, 5, 16), torch.randn(2, 9, 24)
    out = fusion({"text": q, "thermal": c})
    assert out.shape == (2, 7)
    changed = c.clone()
    changed[1] += 1.0
    moved = fusion({"text": q, "thermal": changed})
    assert torch.allclose(moved[0], out[0]) and not torch.allclose(moved[1], out[1])  # each row reads its own context


def test_cross_attention_masks_padding(fusions):
    torch.manual_seed(0)
    fusion = make(fusions, "cross_attention", {"a": 8, "b": 8}, width=16, heads=2, out_dim=4).eval()
    q, c = torch.randn(2, 4, 8), torch.randn(2, 6, 8)
    masks = {"a": torch.tensor([[1, 1, 0, 0]] * 2, dtype=torch.bool), "b": torch.tensor([[1, 1, 1, 1, 0, 0]] * 2, dtype=torch.bool)}
    noisy_q, noisy_c = q.clone(), c.clone()
    noisy_q[:, 2:] = 100.0
    noisy_c[:, 4:] = -50.0
    out = fusion({"a": q, "b": c}, masks)
    assert torch.allclose(out, fusion({"a": noisy_q, "b": noisy_c}, masks), atol=1e-5)  # masked tokens are ignored


def test_cross_attention_settings_and_inputs_are_checked(fusions):
    with pytest.raises(ConfigError, match="width 30 is not divisible by heads 4"):
        make(fusions, "cross_attention", {"a": 8, "b": 8}, width=30, heads=4)
    with pytest.raises(ConfigError, match="the context input 'lidar' is not among the inputs"):
        make(fusions, "cross_attention", {"a": 8, "b": 8}, context="lidar")
    fusion = make(fusions, "cross_attention", {"a": 8, "b": 8}, width=16, heads=2)
    with pytest.raises(InputError, match=r"needs tokens \(B, N, D\) of 'b', got \(2, 8\)"):
        fusion({"a": torch.randn(2, 3, 8), "b": torch.randn(2, 8)})


def test_any_pair_of_real_modalities_fuses_from_their_trunk_tokens(fusions):
    import bindcore

    model = bindcore.build_model("tiny", modalities=["depth", "audio"], seed=0)
    batch = {m: model.preprocess(m, model.modality(m).spec.dummy_raw(model.modality(m).cfg)[:1] * 2) for m in model.names}
    tokens = {m: model.encode_tokens(m, x) for m, x in batch.items()}  # (B, N, width)
    widths = {m: model.modality(m).cfg.width for m in model.names}
    cross = make(fusions, "cross_attention", widths, query="audio", context="depth", width=32, heads=2, out_dim=16)
    assert cross(tokens).shape == (2, 16)
    pooled = {m: model.modality(m)(x) for m, x in batch.items()}  # (B, E)
    for name in ("concat_mlp", "gated"):
        assert make(fusions, name, {m: model.embed_dim for m in model.names}, out_dim=16)(pooled).shape == (2, 16)
