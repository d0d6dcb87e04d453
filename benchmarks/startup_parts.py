"""What each start-up change buys: the old and the new way of one step, each in fresh processes, alternated.

Run:
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/startup_parts.py --model-dir /tmp/ibh/model

Each step runs in a fresh ``python -c`` after ``import torch`` (not timed); the child reports the step's wall
and CPU seconds, the resident memory it added, and whether it imported torch._dynamo / torchvision /
open_clip. Old and new alternate ``--repeats`` times; medians are shown.

- meta build of the imagebind_huge text tower: plain ``torch.device("meta")`` (``normal_`` on a meta tensor runs
  torch's Python reference, which imports torch._dynamo) vs with ``bindcore.meta_build.skip_init_on_meta``;
- CLIP tokenizer: ``from open_clip.tokenizer import SimpleTokenizer`` (runs open_clip's ``__init__``: models,
  torchvision, timm) vs the tokenizer module alone (``bindcore_text.preprocess.clip_tokenizer``);
- image resize + centre crop: torchvision's Resize + CenterCrop vs ``bindcore.io.resize_center_crop`` (Pillow);
- ``load_model(dir)`` (all six modalities, as ``bindcore embed`` did) vs ``load_model(dir, modalities=["audio"])``
  (with ``--model-dir``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

from _common import machine_description, markdown_table

COLUMNS = ["step", "way", "wall s", "CPU s", "RSS added (MiB)", "imports"]
HEAVY = ("torch._dynamo", "torchvision", "open_clip")

PRELUDE = """
import json, resource, sys, time
import torch
def rss(): return int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize() / 2**20
r0, t0, c0 = rss(), time.perf_counter(), time.process_time()
"""
EPILOGUE = """
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rss": rss() - r0,
                  "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)

STEPS = {
    "meta build, imagebind_huge text tower": {
        "old": """
            from bindcore.model import build_model
            with torch.device("meta"):
                from bindcore.config import resolve_model_config
                from bindcore.model import Modality
                from bindcore.plugin_host import default_host
                cfg, resolved = resolve_model_config("imagebind_huge", default_host(), ["text"])
                (spec, settings), = resolved.values()
                Modality("text", spec, settings, cfg.embed_dim)
        """,
        "new": """
            from bindcore.model import build_model
            build_model("imagebind_huge", modalities=["text"], device="meta")
        """,
    },
    "CLIP tokenizer, first text": {
        "old": """
            from open_clip.tokenizer import SimpleTokenizer
            SimpleTokenizer(context_length=None, clean="lower").encode("a dog")
        """,
        "new": """
            from bindcore_text.preprocess import clip_tokenizer
            clip_tokenizer().encode("a dog")
        """,
    },
    "resize + centre crop, first image": {
        "old": """
            from PIL import Image
            import torchvision.transforms.functional as TF
            from torchvision.transforms import InterpolationMode
            image = Image.new("RGB", (640, 480), (120, 60, 30))
            TF.center_crop(TF.resize(image, 224, interpolation=InterpolationMode.BICUBIC), 224)
        """,
        "new": """
            from PIL import Image
            from bindcore.io import resize_center_crop
            resize_center_crop(Image.new("RGB", (640, 480), (120, 60, 30)), 224, "bicubic")
        """,
    },
}


def model_dir_steps(model_dir: str) -> dict:
    return {"load_model of a converted imagebind_huge directory": {
        "old": f"""
            import bindcore
            bindcore.load_model({model_dir!r})  # every modality, as `bindcore embed` did before
        """,
        "new": f"""
            import bindcore
            bindcore.load_model({model_dir!r}, modalities=["audio"])
        """,
    }}


def run(body: str) -> dict:
    code = PRELUDE + textwrap.dedent(body) + EPILOGUE
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model-dir", help="a converted imagebind_huge model directory (benchmarks/startup.py makes one)")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    print(machine_description())
    steps = {**STEPS, **(model_dir_steps(args.model_dir) if args.model_dir else {})}
    rows = []
    for step, ways in steps.items():
        got = {way: [] for way in ways}
        for _ in range(args.repeats):
            for way, body in ways.items():
                got[way].append(run(body))
        for way, runs in got.items():
            rows.append({"step": step, "way": way, "wall s": statistics.median(r["wall"] for r in runs),
                         "CPU s": statistics.median(r["cpu"] for r in runs),
                         "RSS added (MiB)": statistics.median(r["rss"] for r in runs),
                         "imports": ", ".join(runs[-1]["heavy"]) or "-"})
            print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"\n## Start-up steps, old vs new way (fresh process each, after import torch; median of {args.repeats})\n")
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    main()
