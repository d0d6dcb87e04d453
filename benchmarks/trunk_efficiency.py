"""Trunk efficiency at imagebind_huge sizes: one transformer block against a GEMM, measured alternately.

Run:
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/trunk_efficiency.py              # ~5 min on 2 cores
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/trunk_efficiency.py --threads 1  # steadier on a shared machine
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/trunk_efficiency.py --quick      # small sizes (seconds)

A trunk is ``blocks`` identical blocks, so its rate is the rate of one block. For the image block
(batch 8 x 257 tokens x 1280, 16 heads) and the audio block (24 clips x 229 tokens x 768, 12 heads, bias-kv),
in fp32 and under bf16 autocast (inference_mode, weights cast inside each call as in a real forward), the
script alternates ``--rounds`` times: one block forward, then a square ``--gemm-n`` GEMM in nn.Linear's layout
(x @ W.T) in the same dtype. Each round gives block GFLOP/s over GEMM GFLOP/s measured seconds apart, so a
neighbour's load hits both; the table shows the median of the rounds' ratios.

FLOPs counted: qkv, scores, weighted sum, output projection and MLP matmuls (``_common.trunk_flops``).
Variants show what the shared layers' choices buy:

- ``bindcore Block``: as shipped (packed qkv Linear, strided q/k/v views into SDPA, no copies);
- ``q/k/v copied contiguous``: the same with ``.contiguous()`` on q, k, v (a layout copy per tensor);
- ``attention without SDPA``: softmax(q k^T / sqrt(d)) v written out (scores materialised).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
import time

import torch
import torch.nn.functional as F

from _common import DTYPES, machine_description, markdown_table, trunk_flops
from bindcore.layers import Block
from bindcore.layers.transformer import Attention

SHAPES = {  # name -> (batch, tokens, width, heads, bias_kv): imagebind_huge's image and audio trunks at batch 8
    "image": (8, 257, 1280, 16, False),
    "audio": (24, 229, 768, 12, True),
}
QUICK = {"image": (2, 65, 256, 4, False), "audio": (3, 57, 192, 4, True)}
COLUMNS = ["trunk", "precision", "variant", "block ms (median)", "block GFLOP/s", "GEMM GFLOP/s",
           "fraction (median of rounds)", "vs shipped"]


def split_heads(att: Attention, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """q, k, v of the shipped attention as (B, H, N, d) views, the bias key/value token appended (no causal mask)."""
    B, N, D = x.shape
    q, k, v = att.qkv(x).chunk(3, dim=-1)  # 3 x (B, N, D)
    if att.bias_k is not None:
        k = torch.cat([k, att.bias_k.expand(B, 1, D)], dim=1)  # (B, N+1, D)
        v = torch.cat([v, att.bias_v.expand(B, 1, D)], dim=1)  # (B, N+1, D)
    return tuple(t.unflatten(-1, (att.heads, -1)).transpose(1, 2) for t in (q, k, v))  # (B, H, N, d) each


class CopiedAttention(Attention):
    """The shipped attention with q, k and v copied to contiguous memory before SDPA."""

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        q, k, v = (t.contiguous() for t in split_heads(self, x))  # (B, H, N, d) each
        out = F.scaled_dot_product_attention(q, k, v)  # (B, H, N, d)
        return self.proj(out.transpose(1, 2).flatten(2))  # (B, N, D)


class ExplicitAttention(Attention):
    """Attention written out: the (B, H, N, N) scores are materialised."""

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        q, k, v = split_heads(self, x)  # (B, H, N, d) each
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])  # (B, H, N, N+1)
        out = scores.softmax(-1) @ v  # (B, H, N, d)
        return self.proj(out.transpose(1, 2).flatten(2))  # (B, N, D)


VARIANTS = {"bindcore Block": None, "q/k/v copied contiguous": CopiedAttention, "attention without SDPA": ExplicitAttention}


def make_block(width: int, heads: int, bias_kv: bool, attention: type | None) -> Block:
    block = Block(width, heads, bias_kv=bias_kv).eval()
    if attention is not None:
        swapped = attention(width, heads, bias_kv)
        swapped.load_state_dict(block.attn.state_dict())
        block.attn = swapped
    return block


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(block: Block, x: torch.Tensor, precision: str, rounds: int, gemm_n: int) -> list[tuple[float, float]]:
    """[(block seconds, GEMM seconds)] for ``rounds`` alternations after one warm-up of each."""
    dtype = DTYPES[precision]
    gen = torch.Generator().manual_seed(0)
    a, w = (torch.randn(gemm_n, gemm_n, generator=gen).to(dtype) for _ in range(2))

    def forward():
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else contextlib.nullcontext()
        with torch.inference_mode(), autocast:  # a fresh autocast per call: the weights are cast inside, as in a forward
            block(x)

    def gemm():
        torch.mm(a, w.t())

    forward(), gemm()
    return [(seconds(forward), seconds(gemm)) for _ in range(rounds)]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes, 2 rounds (a smoke run)")
    p.add_argument("--rounds", type=int, default=5, help="block/GEMM alternations per row (median of ratios)")
    p.add_argument("--gemm-n", type=int, default=2048, help="side of the square reference GEMM")
    p.add_argument("--precisions", nargs="+", default=["fp32", "bf16"], choices=["fp32", "bf16"])
    p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    p.add_argument("--threads", type=int, default=None,
                   help="torch threads (default: torch's choice; 1 is steadier when other jobs share the cores)")
    args = p.parse_args(argv)
    if args.quick:
        args.rounds, args.gemm_n = 2, 256
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    print(machine_description())
    rows = []
    for name, (B, N, D, heads, bias_kv) in (QUICK if args.quick else SHAPES).items():
        torch.manual_seed(0)
        x = torch.randn(B, N, D)  # (B, N, D)
        flops = trunk_flops(B, N, D, 1, 4.0)
        for precision in args.precisions:
            shipped = None
            for variant in args.variants:
                block = make_block(D, heads, bias_kv, VARIANTS[variant])
                times = measure(block, x, precision, args.rounds, args.gemm_n)
                gemm_flops = 2 * args.gemm_n**3
                fraction = statistics.median((flops / b) / (gemm_flops / g) for b, g in times)
                block_s = statistics.median(b for b, _ in times)
                shipped = block_s if shipped is None else shipped
                rows.append({"trunk": f"{name} {B}×{N}×{D}, {heads} heads{', bias-kv' if bias_kv else ''}",
                             "precision": precision, "variant": variant, "block ms (median)": 1e3 * block_s,
                             "block GFLOP/s": flops / block_s / 1e9,
                             "GEMM GFLOP/s": statistics.median(gemm_flops / g / 1e9 for _, g in times),
                             "fraction (median of rounds)": fraction, "vs shipped": f"{block_s / shipped:.2f}x time"})
                print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], flush=True)
    print(f"\n## One transformer block vs GEMM {args.gemm_n}² (alternated {args.rounds} times; inference_mode; "
          f"{torch.get_num_threads()} threads)\n")
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    torch.set_grad_enabled(False)
    main()
