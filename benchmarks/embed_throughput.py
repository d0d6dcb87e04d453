"""Embedding throughput from raw files, and how close the trunk gets to the machine's GEMM rate.

Run:
    .venv/bin/python benchmarks/embed_throughput.py            # tiny (all modalities) + imagebind_huge (image, audio, text)
    .venv/bin/python benchmarks/embed_throughput.py --all      # every imagebind_huge modality
    .venv/bin/python benchmarks/embed_throughput.py --quick    # tiny only, one repeat, small GEMM (seconds)

Measures, per preset, modality and precision (fp32, bf16 autocast), with random weights
(``bindcore.load_model(preset, seed=0, modalities=[m])``, one modality in memory at a time):

- items/s of ``model.embed`` on one batch of raw files written to a temp dir (JPEG, 44.1 kHz WAV,
  16-bit depth PNG, thermal PNG, IMU .npy, caption strings): decoding, preprocessing and the model;
- the trunk's achieved GFLOP/s (attention and MLP matmul FLOPs over its time inside the same calls)
  and its fraction of a square GEMM's GFLOP/s measured right before and after, in the same process
  (fp32 GEMM for fp32 rows, bf16 GEMM for bf16 rows).

Each value is the median of ``--repeats`` runs after a warm-up; a run longer than ``--budget`` seconds is
reported alone (its warm-up) so that the huge bf16 rows finish on a CPU without native bf16.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

import torch

import bindcore
from _common import COLUMNS, bench_preset, machine_description, markdown_table

HUGE_DEFAULT = ["image", "audio", "text"]


def preset_modalities(preset: str) -> list[str]:
    """The modality instances a preset holds (built on the meta device: no weights)."""
    return bindcore.build_model(preset, device="meta").names


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny preset only, 1 repeat, 512x512 GEMM (a smoke run)")
    p.add_argument("--all", action="store_true", help="all six imagebind_huge modalities (default: image, audio, text)")
    p.add_argument("--presets", nargs="+", default=None, help="presets to run (default: tiny imagebind_huge)")
    p.add_argument("--batch", type=int, default=8, help="items per embed call")
    p.add_argument("--repeats", type=int, default=3, help="timed runs after the warm-up (median reported)")
    p.add_argument("--budget", type=float, default=20.0, help="a warm-up longer than this (s) is the only run")
    p.add_argument("--gemm-n", type=int, default=2048, help="side of the square reference GEMM")
    args = p.parse_args(argv)
    if args.quick:
        args.presets = args.presets or ["tiny"]
        args.repeats, args.gemm_n = 1, 512
    args.presets = args.presets or ["tiny", "imagebind_huge"]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    print(machine_description())
    print(f"\nbatch {args.batch}, median of {args.repeats} runs after a warm-up (runs over {args.budget:g} s: "
          f"the warm-up alone), GEMM {args.gemm_n}x{args.gemm_n} x @ W.T\n")
    print(markdown_table([], COLUMNS), file=sys.stderr, flush=True)  # progress; the table is printed at the end
    rows = []
    with tempfile.TemporaryDirectory(prefix="bindcore-bench-") as workdir:
        for preset in args.presets:
            names = preset_modalities(preset)
            if preset == "imagebind_huge" and not args.all:
                names = [n for n in names if n in HUGE_DEFAULT]
            rows += bench_preset(preset, names, workdir, batch=args.batch, repeats=args.repeats,
                                 budget_s=args.budget, gemm_n=args.gemm_n)
    print("\n## Embedding throughput (batch %d)\n" % args.batch)
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    torch.set_grad_enabled(False)
    main()
