"""precision="auto" picks bf16 only on a CUDA device that multiplies it natively, and bf16 stays close to fp32."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

from bindcore import precision
from bindcore.errors import BindcoreError
from bindcore.precision import resolve_precision

CPU = torch.device("cpu")


@pytest.fixture
def flags(monkeypatch):
    """Sets the CPU flags the detector reads (and the machine type), instead of this machine's."""
    def set_flags(values, machine="x86_64"):
        monkeypatch.setattr(precision, "cpu_flags", lambda: frozenset(values))
        monkeypatch.setattr(precision.platform, "machine", lambda: machine)
        monkeypatch.setattr(torch.backends.mkldnn, "is_available", lambda: True)
    return set_flags


@pytest.mark.parametrize("values, machine, want", [
    ({"avx2", "fma"}, "x86_64", None),                                # AVX2 only: bf16 is emulated
    ({"avx2", "avx512f", "avx512bw"}, "x86_64", None),                # AVX-512 without its BF16 extension
    ({"avx512f", "avx512_bf16"}, "x86_64", torch.bfloat16),           # Cooper Lake, Zen 4
    ({"avx512f", "amx_bf16", "amx_tile"}, "x86_64", torch.bfloat16),  # Sapphire Rapids
    ({"fp", "asimd", "sve"}, "aarch64", None),                        # Graviton 2 / Neoverse N1
    ({"fp", "asimd", "sve", "bf16"}, "aarch64", torch.bfloat16),      # Graviton 3 / Neoverse V1
    ({"bf16"}, "x86_64", None),                                       # an Arm flag name on x86 means nothing
])
def test_the_detector_follows_the_flags_and_auto_stays_fp32_on_every_cpu(flags, values, machine, want):
    flags(values, machine)
    assert precision.native_cpu_bf16() is (want is torch.bfloat16)
    assert resolve_precision("auto", CPU) is None  # bf16 on a CPU only when asked (see bindcore.precision)


@pytest.mark.parametrize("capability, want", [((7, 5), None), ((8, 0), torch.bfloat16), ((9, 0), torch.bfloat16)])
def test_auto_on_cuda_follows_the_compute_capability(monkeypatch, capability, want):
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    assert resolve_precision("auto", torch.device("cuda", 0)) is want


def test_explicit_precisions_and_unknown_names(flags):
    flags({"avx2"})
    assert resolve_precision("fp32", CPU) is None and resolve_precision("bf16", CPU) is torch.bfloat16
    with pytest.raises(BindcoreError, match="unknown precision 'fp16'"):
        resolve_precision("fp16", CPU)


def test_cpu_flags_reads_this_machine():
    flags = precision.cpu_flags()
    assert isinstance(flags, frozenset)
    if precision.platform.machine() == "x86_64" and flags:
        assert "sse2" in flags  # every x86-64 CPU has it: the parser found the real flags line


def test_embed_defaults_to_auto_which_is_fp32_even_on_a_native_bf16_cpu(toy_model, flags, monkeypatch):
    """The default precision is "auto": fp32 on a CPU with native bf16 too, bf16 there only when asked."""
    seen = []
    real = torch.autocast
    monkeypatch.setattr(torch, "autocast", lambda *a, **k: seen.append(k.get("dtype")) or real(*a, **k))
    flags({"avx512_bf16"})
    toy_model.embed({"toy": [[1.0, 2.0]]}, progress=False)
    assert seen == []
    toy_model.embed({"toy": [[1.0, 2.0]]}, progress=False, precision="bf16")
    assert seen == [torch.bfloat16]


@pytest.mark.parametrize("name", ["vision", "text", "audio", "depth", "thermal", "imu"])
def test_bf16_embeddings_stay_within_cosine_1e4_of_fp32_on_the_imagebind_fixture(name, host, tmp_path_factory):
    from safetensors.torch import load_file

    from bindcore.checkpoint import load_model
    from bindcore.compat import imagebind

    from tests.conftest import REPO

    fixture = REPO / "tests" / "fixtures" / "imagebind"
    out = tmp_path_factory.getbasetemp() / "bf16_fixture_model"
    if not (out / "bindcore.json").is_file():
        kwargs = json.loads((fixture / "meta.json").read_text())["model_kwargs"]
        imagebind.convert(fixture / "imagebind_tiny.pth", out, kwargs=kwargs, host=host, progress=False)
    ours = {"vision": "image"}.get(name, name)
    modality = load_model(out, modalities=[ours], host=host).modality(ours)
    x = load_file(str(fixture / "inputs.safetensors"))[name]
    with torch.inference_mode():
        full = modality(x)  # (B, E)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            half = modality(x).float()  # (B, E)
    assert (F.normalize(full, dim=-1) * F.normalize(half, dim=-1)).sum(-1).min() >= 0.9999
