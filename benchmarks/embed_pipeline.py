"""Embedding many files: how much wall time lies outside the forward pass, and memory while streaming to disk.

Run:
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/embed_pipeline.py --model-dir /tmp/ibh/model   # ~15 min
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/embed_pipeline.py --quick                      # seconds

1. Split (batch 8): ``iter_embeddings`` over ``--items`` raw files (640x480 JPEGs, 5 s 44.1 kHz stereo WAVs)
   with ``num_workers`` 0 and 2; each EmbedBatch reports the seconds of its forward pass, the rest of the
   wall time is reading, decoding, preprocessing and waiting for workers. Models: the converted
   imagebind_huge directory (``--model-dir``, made by benchmarks/startup.py; skipped without it) and the
   ``tiny`` preset, where preprocessing weighs most. One fresh process per row (DataLoader start included).
2. Memory: ``bindcore embed --manifest`` of ``--many`` small PNGs (default 10,000) through a 1-block model
   with 1024-d outputs (imagebind_huge's embedding size), batch 8, 2 workers, to .npy / .safetensors / .npz;
   the proportional set size (PSS: shared pages split between the process and its forked workers, so the
   sum counts each page once) is sampled every 0.2 s. Growth = PSS at 90 % of the run minus PSS at 30 %
   (start-up is over by then; the last samples are left out because exiting a process that imported torch
   adds ~120 MiB of pages, see startup.py). For contrast, the Python API ``model.embed`` returns every row
   in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_description, markdown_table, write_raw_items

SPLIT_COLUMNS = ["model", "modality", "items", "num_workers", "wall s", "forward s", "outside forward s",
                 "outside / wall", "target"]
MEM_COLUMNS = ["run", "items", "wall s", "PSS at 30 % (MiB)", "PSS at 60 % (MiB)", "PSS at 90 % (MiB)",
               "growth 30 % -> 90 % (MiB)", "rows written (MiB)"]
MANY_MODEL = {"embed_dim": 1024, "modalities": {"image": {"width": 64, "blocks": 1, "heads": 2, "image_size": 48,
                                                          "patch_size": 8}}}

SPLIT_CHILD = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
import torch
import bindcore
from bindcore.embedding import iter_embeddings
source, name, workers, items = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
model = bindcore.load_model(source, modalities=[name], seed=0)
torch.set_grad_enabled(False)
start, forward = time.perf_counter(), 0.0
for batch in iter_embeddings(model, name, items, batch_size=8, num_workers=workers, precision="fp32", progress=False):
    forward += batch.forward_s
print(json.dumps({"wall": time.perf_counter() - start, "forward": forward}))
"""


def split_rows(source: str, label: str, workdir: Path, n: int, workers: list[int], names: list[str]) -> list[dict]:
    rows = []
    for name in names:
        items = write_raw_items(name, workdir, n)
        for w in workers:
            out = subprocess.run([sys.executable, "-c", SPLIT_CHILD, source, name, str(w), json.dumps(items)],
                                 capture_output=True, text=True, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
            if out.returncode:
                raise RuntimeError(out.stderr[-2000:])
            got = json.loads(out.stdout.strip().splitlines()[-1])
            outside = got["wall"] - got["forward"]
            rows.append({"model": label, "modality": name, "items": n, "num_workers": w, "wall s": got["wall"],
                         "forward s": got["forward"], "outside forward s": outside,
                         "outside / wall": f"{100 * outside / got['wall']:.1f} %", "target": "<= 10 %"})
            print(markdown_table(rows[-1:], SPLIT_COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
    return rows


def tree_pss_mib(pid: int) -> float:
    """PSS of ``pid`` and its children (DataLoader workers), in MiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def sampled(cmd: list[str]) -> tuple[float, list[tuple[float, float]]]:
    """Runs ``cmd``, sampling its PSS every 0.2 s: (wall seconds, [(t, MiB)])."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    samples = []
    while proc.poll() is None:
        samples.append((time.perf_counter() - start, tree_pss_mib(proc.pid)))
        time.sleep(0.2)
    err = proc.stderr.read()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:6])} ... failed:\n{err[-2000:]}")
    return time.perf_counter() - start, [s for s in samples if s[1] > 0]


def at(samples: list[tuple[float, float]], fraction: float, wall: float) -> float:
    return next((m for t, m in samples if t >= fraction * wall), samples[-1][1])


def memory_rows(workdir: Path, n: int) -> list[dict]:
    import numpy as np
    from PIL import Image

    import bindcore

    model_dir = workdir / "many_model"
    bindcore.build_model(MANY_MODEL, seed=0).save(model_dir)
    pictures = workdir / "many"
    pictures.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    with open(workdir / "many.jsonl", "w") as manifest:
        for i in range(n):
            path = pictures / f"{i}.png"
            if not path.exists():
                Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(path)
            manifest.write(json.dumps({"id": f"p{i}", "image": str(path)}) + "\n")
    rows = []
    cli = [sys.executable, "-m", "bindcore", "embed", "--model", str(model_dir), "--manifest", str(workdir / "many.jsonl"),
           "--batch-size", "8", "--num-workers", "2", "--precision", "fp32", "--no-progress"]
    api = ("import json, sys, bindcore; m = bindcore.load_model(sys.argv[1]); "
           "items = [json.loads(l)['image'] for l in open(sys.argv[2])]; "
           "z = m.embed({'image': items}, batch_size=8, num_workers=2, precision='fp32', progress=False)")
    runs = [(f"bindcore embed -o out{s}", cli + ["-o", str(workdir / f"out{s}")]) for s in (".npy", ".safetensors", ".npz")]
    runs.append(("python: model.embed (all rows returned in memory)",
                 [sys.executable, "-c", api, str(model_dir), str(workdir / "many.jsonl")]))
    for label, cmd in runs:
        wall, samples = sampled(cmd)
        first, mid, end = at(samples, 0.3, wall), at(samples, 0.6, wall), at(samples, 0.9, wall)
        rows.append({"run": label, "items": n, "wall s": wall, "PSS at 30 % (MiB)": first, "PSS at 60 % (MiB)": mid,
                     "PSS at 90 % (MiB)": end, "growth 30 % -> 90 % (MiB)": end - first,
                     "rows written (MiB)": n * MANY_MODEL["embed_dim"] * 4 / 2**20})
        print(markdown_table(rows[-1:], MEM_COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
    return rows


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model-dir", help="a converted imagebind_huge model directory (benchmarks/startup.py makes one)")
    p.add_argument("--items", type=int, default=24, help="files per split row (batch 8)")
    p.add_argument("--tiny-items", type=int, default=256, help="files per split row of the tiny preset")
    p.add_argument("--huge-modalities", nargs="+", default=["image", "audio"], choices=["image", "audio"],
                   help="imagebind_huge rows to run (an image batch of 8 is ~2.6 TFLOP: minutes on 2 cores)")
    p.add_argument("--many", type=int, default=10000, help="items of the memory run")
    p.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    p.add_argument("--skip-split", action="store_true")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--quick", action="store_true", help="tiny preset only, few items (a smoke run)")
    args = p.parse_args(argv)
    if args.quick:
        args.model_dir, args.tiny_items, args.many = None, 16, 200
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    print(machine_description())
    with tempfile.TemporaryDirectory(prefix="bindcore-pipeline-") as tmp:
        workdir = Path(tmp)
        if not args.skip_split:
            rows = []
            if args.model_dir:
                rows += split_rows(args.model_dir, "imagebind_huge (random)", workdir, args.items, args.workers,
                                   args.huge_modalities)
            rows += split_rows("tiny", "tiny (random)", workdir, args.tiny_items, args.workers, ["image", "audio"])
            print("\n## Time outside the forward pass (batch 8, fp32, fresh process per row)\n")
            print(markdown_table(rows, SPLIT_COLUMNS), flush=True)
        if not args.skip_memory:
            rows = memory_rows(workdir, args.many)
            print(f"\n## Memory while embedding {args.many:,} images (1-block model, 1024-d outputs, batch 8, "
                  "2 workers; PSS of the process and its workers)\n")
            print(markdown_table(rows, MEM_COLUMNS), flush=True)


if __name__ == "__main__":
    main()
