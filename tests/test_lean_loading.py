"""Loading only what is needed: files of other modalities are never read, meta builds skip initialisation,
and loading + embedding one modality imports none of the heavy optional libraries."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import weakref

import pytest
import torch
from torch import nn

from bindcore.checkpoint import load_model
from bindcore.errors import CheckpointError
from bindcore.meta_build import skip_init_on_meta
from bindcore.model import build_model

TWO_TOYS = {"embed_dim": 8, "modalities": {"a": {"type": "toy", "width": 16, "blocks": 1, "heads": 2},
                                           "b": {"type": "toy", "width": 16, "blocks": 1, "heads": 2}}}


def test_load_model_opens_only_the_requested_weights(toy_host, tmp_path, monkeypatch):
    import safetensors.torch

    build_model(TWO_TOYS, host=toy_host, seed=0).save(tmp_path / "m")
    opened = []
    real = safetensors.torch.load_file
    monkeypatch.setattr(safetensors.torch, "load_file", lambda path, *a, **k: opened.append(path) or real(path, *a, **k))
    (tmp_path / "m" / "weights" / "b.safetensors").unlink()  # gone: reading it would fail
    model = load_model(tmp_path / "m", modalities=["a"], host=toy_host)
    assert model.names == ["a"]
    assert [p.rsplit("/", 1)[-1] for p in opened] == ["a.safetensors"]


def test_unknown_requested_modality_names_what_the_directory_holds(toy_host, tmp_path):
    build_model(TWO_TOYS, host=toy_host, seed=0).save(tmp_path / "m")
    with pytest.raises(CheckpointError, match=r"holds no modality 'c'.*it holds: a, b"):
        load_model(tmp_path / "m", modalities=["c"], host=toy_host)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_loaded_weights_are_memory_mapped_not_copied(toy_host, tmp_path):
    build_model(TWO_TOYS, host=toy_host, seed=0).save(tmp_path / "m")
    model = load_model(tmp_path / "m", modalities=["a"], host=toy_host)
    file = str((tmp_path / "m" / "weights" / "a.safetensors").resolve())
    mapped = []
    for line in open("/proc/self/maps"):
        fields = line.split()
        if fields[-1] == file:
            mapped.append(tuple(int(x, 16) for x in fields[0].split("-")))
    outside = [n for n, t in model.state_dict().items()
               if not any(lo <= t.untyped_storage().data_ptr() < hi for lo, hi in mapped)]
    assert mapped and not outside, f"copied out of the file: {outside}"


def test_skip_init_on_meta_leaves_meta_tensors_and_initialises_the_rest():
    torch.manual_seed(0)
    with skip_init_on_meta():
        with torch.device("meta"):
            meta = nn.Embedding(10, 4)
            nn.init.trunc_normal_(meta.weight, std=0.02)
            meta.weight.data.normal_()
        real = nn.Linear(4, 4)  # not on meta: initialised as usual
        nn.init.zeros_(real.bias)
    assert meta.weight.is_meta and meta.weight.shape == (10, 4)
    assert real.weight.abs().sum() > 0 and torch.equal(real.bias, torch.zeros(4))


def test_meta_build_imports_no_dynamo():
    """normal_ on a meta tensor runs torch's Python reference, which imports torch._dynamo (seconds)."""
    code = textwrap.dedent("""
        import sys
        from bindcore.model import build_model
        model = build_model("imagebind_huge", modalities=["text"], device="meta")
        assert next(model.parameters()).is_meta
        assert "torch._dynamo" not in sys.modules, "meta build imported torch._dynamo"
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_embedding_one_modality_imports_no_heavy_library(tmp_path):
    """Load a saved model per modality and embed one raw item: no torchvision, open_clip package, matplotlib,
    tensorboard or torch._dynamo (each costs seconds and 100+ MiB in a fresh process)."""
    import numpy as np
    import soundfile
    from PIL import Image

    soundfile.write(tmp_path / "a.wav", (0.1 * np.sin(np.arange(16000) / 5)).astype(np.float32), 16000)
    Image.fromarray(np.full((40, 60, 3), 120, np.uint8)).save(tmp_path / "a.png")
    code = textwrap.dedent(f"""
        import sys, warnings
        import bindcore
        warnings.simplefilter("ignore")
        bindcore.load_model("tiny", seed=0, modalities=["image", "text", "audio"]).save({str(tmp_path / "m")!r})
        items = {{"audio": {str(tmp_path / "a.wav")!r}, "image": {str(tmp_path / "a.png")!r}, "text": "a dog"}}
        heavy = ("torchvision", "open_clip", "matplotlib", "tensorboard", "torch._dynamo", "timm", "transformers")
        for name, item in items.items():
            model = bindcore.load_model({str(tmp_path / "m")!r}, modalities=[name])
            assert model.embed({{name: [item]}}, progress=False)[name].shape[0] == 1
            loaded = [m for m in heavy if m in sys.modules]
            assert not loaded, f"embedding {{name}} imported {{loaded}}"
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_conversion_holds_one_modality_at_a_time(tmp_path, monkeypatch, host):
    """Each converted modality is written and dropped before the next one is built."""
    import bindcore.checkpoint
    import bindcore.model
    from bindcore.compat import imagebind

    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).resolve().parents[1] / "benchmarks"))
    import imagebind_huge

    ckpt = tmp_path / "random.pth"
    imagebind_huge.write_official_checkpoint(ckpt, imagebind_huge.QUICK_KWARGS)
    built: list[weakref.ref] = []
    real_build, real_add = bindcore.model.build_model, bindcore.checkpoint.ModelDirWriter.add
    written = []

    def build(*args, **kwargs):
        model = real_build(*args, **kwargs)
        built.append(weakref.ref(model))
        return model

    def add(self, name, *args, **kwargs):
        import gc

        gc.collect()
        alive = [ref() for ref in built[:-1] if ref() is not None]
        assert not alive, f"writing '{name}' while {[m.names for m in alive]} are still held"
        written.append(name)
        return real_add(self, name, *args, **kwargs)

    monkeypatch.setattr(bindcore.model, "build_model", build)
    monkeypatch.setattr(bindcore.checkpoint.ModelDirWriter, "add", add)
    imagebind.convert(ckpt, tmp_path / "out", kwargs=imagebind_huge.QUICK_KWARGS, host=host, progress=False)
    assert len(written) == 6 and len(built) == 6
