import pytest
import torch

from bindcore.errors import BindcoreError, InputError


def test_forward_unit_norm(toy_model):
    x = toy_model.preprocess("toy", [[1, 2, 3], [4, 5]])
    assert x.shape == (2, 1, 16)
    z = toy_model({"toy": x})["toy"]
    assert z.shape == (2, 8) and torch.allclose(z.norm(dim=-1), torch.ones(2), atol=1e-5)


def test_clips_are_averaged_and_renormalised(toy_model):
    toy_model.eval()
    x = toy_model.preprocess("toy", [[1, 2, 3], [4, 5]])  # (2, 1, 16)
    clips = torch.stack([x[0], x[1]])[None]  # (1, 2, 1, 16): one item of two clips
    z = toy_model({"toy": clips})["toy"]
    single = toy_model({"toy": x})["toy"]
    expected = torch.nn.functional.normalize(single.mean(0, keepdim=True), dim=-1)
    assert torch.allclose(z, expected, atol=1e-5)


def test_wrong_rank_is_a_clear_error(toy_model):
    with pytest.raises(InputError, match="expected a batch of rank 3"):
        toy_model({"toy": torch.zeros(16)})


def test_unknown_modality(toy_model):
    with pytest.raises(BindcoreError, match="holds no modality 'audio'"):
        toy_model.logit_scale("audio")


def test_preprocess_errors_name_the_item(toy_model):
    with pytest.raises(InputError, match="^hello: toy items are lists"):
        toy_model.preprocess("toy", ["hello"])
    with pytest.raises(InputError, match="no 'toy' items"):
        toy_model.preprocess("toy", [])


def test_library_errors_become_input_errors(toy_model):
    with pytest.raises(InputError, match="ValueError"):
        toy_model.preprocess("toy", [["a", "b"]])


def test_logit_scale_kept_apart(toy_host):
    from bindcore.model import build_model

    m = build_model({"embed_dim": 8, "modalities": {"toy": {"width": 16, "blocks": 1, "heads": 2, "logit_scale": 20.0}}},
                    host=toy_host)
    assert float(m.logit_scale("toy")) == pytest.approx(20.0)
    assert not any(n.endswith("log_scale") for n, _ in m.named_parameters())


def test_encode_tokens(toy_model):
    tokens = toy_model.encode_tokens("toy", toy_model.preprocess("toy", [[1.0]]))
    assert tokens.shape == (1, 5, 16)  # CLS + 16 / 4 windows


def test_compose_is_unit_norm(toy_model):
    q = toy_model.compose({"toy": [[1, 2], [3, 4]]}, progress=False)
    assert q.shape == (8,) and abs(float(q.norm()) - 1) < 1e-5


def test_meta_build_allocates_nothing(toy_host):
    from bindcore.model import build_model

    m = build_model({"modalities": {"toy": {}}}, host=toy_host, device="meta")
    assert all(p.is_meta for p in m.parameters())


def test_public_api_names_resolve():
    import bindcore

    assert callable(bindcore.embed) and callable(bindcore.load_model) and callable(bindcore.build_model)
    assert bindcore.layers.Transformer and bindcore.io.open_image
    for name in bindcore.__all__:
        assert getattr(bindcore, name) is not None
