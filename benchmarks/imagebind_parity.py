"""Prints how far bindcore is from the official ImageBind outputs on a reference fixture.

    .venv/bin/python benchmarks/imagebind_parity.py [FIXTURE_DIR]     (default: tests/fixtures/imagebind)

Converts the fixture's checkpoint, then prints per modality: the largest absolute difference between
``model.preprocess`` of the raw files and the official loaders' tensors, the smallest cosine between
``embed`` and the official rows, and the largest absolute difference between
``compat.imagebind.forward`` and the official outputs.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from bindcore.checkpoint import load_model
from bindcore.compat import imagebind

OURS = {"vision": "image"}


def main(argv: list[str]) -> int:
    fixture = Path(argv[0] if argv else Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "imagebind")
    meta = json.loads((fixture / "meta.json").read_text())
    inputs, outputs = load_file(str(fixture / "inputs.safetensors")), load_file(str(fixture / "outputs.safetensors"))
    with tempfile.TemporaryDirectory() as tmp:
        imagebind.convert(next(fixture.glob("*.pth")), Path(tmp) / "m", kwargs=meta["model_kwargs"], progress=False)
        model = load_model(Path(tmp) / "m")
        print("| official name | preprocess max abs diff | embed min cosine | forward max abs diff |")
        print("|---|---|---|---|")
        for name in outputs:
            ours = OURS.get(name, name)
            pre = cos = "n/a (no official loader)"
            if name in meta["raw"]:
                spec = meta["raw"][name]
                raw = json.loads((fixture / spec).read_text()) if isinstance(spec, str) else [str(fixture / "raw" / f) for f in spec]
                pre = f"{float((model.preprocess(ours, raw).float() - inputs[name].float()).abs().max()):.2e}"
                z = model.embed({ours: raw}, progress=False)[ours]
                cos = f"{float((z * F.normalize(outputs[name], dim=-1)).sum(-1).min()):.7f}"
            with torch.no_grad():
                fwd = float((imagebind.forward(model, {ours: inputs[name]})[ours] - outputs[name]).abs().max())
            print(f"| {name} | {pre} | {cos} | {fwd:.2e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
