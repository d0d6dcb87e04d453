import json

import pytest
import torch

from bindcore.checkpoint import load_model
from bindcore.errors import CheckpointError


def test_round_trip(toy_model, toy_host, tmp_path):
    toy_model.save(tmp_path / "m")
    assert (tmp_path / "m" / "weights" / "toy.safetensors").is_file()
    loaded = load_model(tmp_path / "m", host=toy_host)
    for (k, a), (_, b) in zip(toy_model.state_dict().items(), loaded.state_dict().items()):
        assert torch.equal(a, b), k
    x = toy_model.preprocess("toy", [[1, 2, 3]])
    toy_model.eval()
    assert torch.allclose(toy_model({"toy": x})["toy"], loaded({"toy": x})["toy"])


def test_loads_only_requested_modalities(toy_host, tmp_path):
    from bindcore.model import build_model

    m = build_model({"embed_dim": 8, "modalities": {"a": {"type": "toy", "width": 16, "blocks": 1, "heads": 2},
                                                    "b": {"type": "toy", "width": 16, "blocks": 1, "heads": 2}}},
                    host=toy_host, seed=0)
    m.save(tmp_path / "m")
    (tmp_path / "m" / "weights" / "b.safetensors").write_bytes(b"corrupt")  # never read
    loaded = load_model(tmp_path / "m", modalities=["a"], host=toy_host)
    assert loaded.names == ["a"]


def test_missing_plugin_says_what_to_install(toy_model, tmp_path):
    from bindcore.plugin_host import PluginHost

    toy_model.save(tmp_path / "m")
    with pytest.raises(CheckpointError, match="no installed plugin provides: 'toy'"):
        load_model(tmp_path / "m", host=PluginHost.load(autoload=False))


def test_corrupt_weights(toy_model, toy_host, tmp_path):
    toy_model.save(tmp_path / "m")
    (tmp_path / "m" / "weights" / "toy.safetensors").write_bytes(b"\x00" * 10)
    with pytest.raises(CheckpointError, match="corrupt"):
        load_model(tmp_path / "m", host=toy_host)


def test_shape_mismatch_names_key(toy_model, toy_host, tmp_path):
    toy_model.save(tmp_path / "m")
    cfg = tmp_path / "m" / "config.yaml"
    cfg.write_text(cfg.read_text().replace("width: 16", "width: 32"))
    with pytest.raises(CheckpointError, match="has shape"):
        load_model(tmp_path / "m", host=toy_host)


def test_not_a_model_dir(tmp_path, toy_host):
    with pytest.raises(CheckpointError, match="not a bindcore model directory"):
        load_model(tmp_path, host=toy_host)


def test_unknown_format(toy_model, toy_host, tmp_path):
    toy_model.save(tmp_path / "m")
    meta = tmp_path / "m" / "bindcore.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "format": 99}))
    with pytest.raises(CheckpointError, match="unsupported format 99"):
        load_model(tmp_path / "m", host=toy_host)


def test_save_overwrites_atomically(toy_model, toy_host, tmp_path):
    toy_model.save(tmp_path / "m")
    toy_model.save(tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
