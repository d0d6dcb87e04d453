"""fp32, bf16 and "auto" side by side: what "auto" picks here, speed, and how far bf16 embeddings move from fp32.

Run:
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/precision.py                               # fixture only
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/precision.py --model-dir /tmp/ibh/model    # + imagebind_huge

For the ImageBind fixture (tests/fixtures/imagebind: small random weights, the official loaders' input
tensors, all six modalities) and, with ``--model-dir``, a converted imagebind_huge directory (random
weights; 4 captions, 2 WAVs, 2 JPEGs), each modality is embedded with ``model.embed`` in every precision.
Cosine = the smallest cosine similarity between an item's embedding and its fp32 embedding. "auto" resolves
through ``bindcore.precision`` (bf16 only with native bf16 matmul: AVX512-BF16/AMX, Arm BF16, CUDA >= 8.0).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import torch

from _common import machine_description, markdown_table, write_raw_items
from bindcore.precision import cpu_flags, resolve_precision

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "imagebind"
COLUMNS = ["model", "modality", "items", "precision", "runs as", "embed ms", "vs fp32 time", "cosine to fp32 (min)"]


def compare(label: str, model, name: str, items, run) -> list[dict]:
    """Rows for one modality: ``run(precision)`` -> (B, E) embeddings, timed once after a warm-up in fp32."""
    run("fp32")
    rows, ref, ref_s = [], None, None
    for precision in ("fp32", "bf16", "auto"):
        start = time.perf_counter()
        z = run(precision)
        took = time.perf_counter() - start
        if ref is None:
            ref, ref_s = z, took
        dtype = resolve_precision(precision, torch.device("cpu"))
        rows.append({"model": label, "modality": name, "items": len(z), "precision": precision,
                     "runs as": "bf16 autocast" if dtype is torch.bfloat16 else "fp32", "embed ms": 1e3 * took,
                     "vs fp32 time": f"{took / ref_s:.2f}x", "cosine to fp32 (min)": f"{(z * ref).sum(-1).min().item():.6f}"})
        print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], flush=True)
    return rows


def fixture_rows() -> list[dict]:
    from safetensors.torch import load_file

    import bindcore
    from bindcore.compat import imagebind

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        kwargs = json.loads((FIXTURE / "meta.json").read_text())["model_kwargs"]
        imagebind.convert(FIXTURE / "imagebind_tiny.pth", Path(tmp) / "m", kwargs=kwargs, progress=False)
        model = bindcore.load_model(Path(tmp) / "m")
    for official, x in load_file(str(FIXTURE / "inputs.safetensors")).items():
        name = {"vision": "image"}.get(official, official)
        modality = model.modality(name)

        def run(precision, modality=modality, x=x):
            dtype = resolve_precision(precision, torch.device("cpu"))
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype is not None):
                return modality(x).float()  # (B, E)

        rows += compare("ImageBind fixture (tiny, random)", model, name, x, run)
    return rows


HUGE_ITEMS = {"text": 4, "audio": 2, "image": 2}


def huge_rows(model_dir: str, names: list[str]) -> list[dict]:
    import bindcore

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            n = HUGE_ITEMS[name]
            model = bindcore.load_model(model_dir, modalities=[name])
            items = write_raw_items(name, tmp, n)

            def run(precision, model=model, name=name, items=items):
                return model.embed({name: items}, batch_size=n, precision=precision, progress=False)[name]

            rows += compare("imagebind_huge (random)", model, name, items, run)
            del model
    return rows


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model-dir", help="a converted imagebind_huge model directory (benchmarks/startup.py makes one)")
    p.add_argument("--huge-modalities", nargs="+", default=list(HUGE_ITEMS), choices=list(HUGE_ITEMS),
                   help="imagebind_huge modalities to compare (bf16 image is minutes on a CPU without native bf16)")
    args = p.parse_args(argv)
    torch.set_grad_enabled(False)
    warnings.simplefilter("ignore", UserWarning)
    print(machine_description())
    bf16_flags = sorted(cpu_flags() & {"avx512_bf16", "amx_bf16", "bf16"})
    print(f"\nCPU bf16 flags in /proc/cpuinfo: {', '.join(bf16_flags) or 'none'} -> auto runs as "
          f"{'bf16' if resolve_precision('auto', torch.device('cpu')) else 'fp32'} here\n")
    rows = fixture_rows()
    if args.model_dir:
        rows += huge_rows(args.model_dir, args.huge_modalities)
    print("\n## fp32, bf16 and auto (one timed run after an fp32 warm-up)\n")
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    main()
