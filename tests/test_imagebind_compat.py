"""ImageBind compatibility against golden references made with the official code.

Each fixture directory holds a random-weight checkpoint in the official layout, its constructor
arguments (meta.json), raw files, the official loaders' tensors and the official outputs. Nothing here
depends on one fixture's sizes: set BINDCORE_IMAGEBIND_FIXTURES=dir1:dir2 to check others.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from bindcore.checkpoint import load_model
from bindcore.compat import imagebind

HERE = Path(__file__).resolve().parent
FIXTURES = [Path(p) for p in os.environ.get("BINDCORE_IMAGEBIND_FIXTURES", str(HERE / "fixtures" / "imagebind")).split(os.pathsep)]
OURS = {"vision": "image"}  # official name -> bindcore name where they differ


def ours(name: str) -> str:
    return OURS.get(name, name)


@pytest.fixture(scope="module", params=FIXTURES, ids=lambda p: p.name)
def reference(request, tmp_path_factory, host):
    fixture = request.param
    meta = json.loads((fixture / "meta.json").read_text())
    out = tmp_path_factory.mktemp("converted") / "model"
    checkpoint = next(fixture.glob("*.pth"))
    imagebind.convert(checkpoint, out, kwargs=meta["model_kwargs"], host=host, progress=False)
    model = load_model(out, host=host)
    return fixture, meta, model, load_file(str(fixture / "inputs.safetensors")), load_file(str(fixture / "outputs.safetensors"))


def raw_items(fixture: Path, meta: dict, name: str) -> list:
    spec = meta["raw"][name]
    if isinstance(spec, str):
        return json.loads((fixture / spec).read_text())
    return [str(fixture / "raw" / f) for f in spec]


@pytest.mark.parametrize("name", ["vision", "text", "audio"])
def test_preprocess_matches_official_loaders(reference, name):
    fixture, meta, model, inputs, _ = reference
    got = model.preprocess(ours(name), raw_items(fixture, meta, name))
    want = inputs[name]
    assert got.shape == want.shape and got.dtype == want.dtype
    if name == "text":
        assert torch.equal(got, want)
    else:
        assert (got - want).abs().max() <= 1e-4


@pytest.mark.parametrize("name", ["vision", "text", "audio", "depth", "thermal", "imu"])
def test_forward_matches_official_outputs(reference, name):
    _, _, model, inputs, outputs = reference
    with torch.no_grad():
        got = imagebind.forward(model, {ours(name): inputs[name]})[ours(name)]
    assert got.shape == outputs[name].shape
    assert (got - outputs[name]).abs().max() <= 1e-4


@pytest.mark.parametrize("name", ["vision", "text", "audio"])
def test_embed_raw_files_gives_official_directions(reference, name):
    fixture, meta, model, _, outputs = reference
    z = model.embed({ours(name): raw_items(fixture, meta, name)}, progress=False)[ours(name)]
    cos = (z * F.normalize(outputs[name], dim=-1)).sum(-1)
    assert cos.min() >= 0.9999


def test_logit_scales_come_from_the_checkpoint(reference):
    _, _, model, _, _ = reference
    state = torch.load(next(reference[0].glob("*.pth")), weights_only=True)
    for name in ("audio", "depth", "thermal", "imu", "text"):
        expected = state[f"modality_postprocessors.{name}.1.log_logit_scale"].exp().clamp(max=100)
        assert float(model.logit_scale(name).detach()) == pytest.approx(float(expected), rel=1e-6)
    assert float(model.logit_scale("image").detach()) == 1.0


def test_convert_some_modalities(reference, tmp_path, host):
    fixture, meta, _, _, _ = reference
    out = imagebind.convert(next(fixture.glob("*.pth")), tmp_path / "m", kwargs=meta["model_kwargs"],
                            modalities=["audio", "text"], host=host, progress=False)
    assert sorted(p.name for p in (out / "weights").iterdir()) == ["audio.safetensors", "text.safetensors"]


def test_mismatched_sizes_name_keys_and_shapes(reference, tmp_path, host):
    from bindcore.errors import CheckpointError

    fixture, meta, _, _, _ = reference
    kwargs = {**meta["model_kwargs"], "audio_num_blocks": meta["model_kwargs"]["audio_num_blocks"] + 1}
    with pytest.raises(CheckpointError, match=r"1\d* missing \(trunk\.blocks\.\d+\..*0 unexpected"):
        imagebind.convert(next(fixture.glob("*.pth")), tmp_path / "m", kwargs=kwargs, modalities=["audio"], host=host)
    kwargs = {**meta["model_kwargs"], "out_embed_dim": meta["model_kwargs"].get("out_embed_dim", 1024) + 1}
    with pytest.raises(CheckpointError, match=r"has shape \(\d+, \d+\) in the checkpoint but \(\d+, \d+\)"):
        imagebind.convert(next(fixture.glob("*.pth")), tmp_path / "m", kwargs=kwargs, modalities=["audio"], host=host)


def test_unreadable_checkpoint(tmp_path, host):
    from bindcore.errors import CheckpointError

    bad = tmp_path / "bad.pth"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read"):
        imagebind.convert(bad, tmp_path / "m", host=host)
