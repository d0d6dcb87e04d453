"""Search latency, recall@10 and memory of the FAISS structures bindcore.Index uses, against exact search.

Run:
    .venv/bin/python benchmarks/index_search.py            # 10k and 100k random unit vectors, 128-d
    .venv/bin/python benchmarks/index_search.py --quick    # 2k and 5k (seconds)

For each size n, n random unit vectors (the tiny preset's 128 dimensions, or ``--dim``) are indexed with each
kind bindcore chooses from (`flat`: exact inner product; `hnsw`; `ivf`, with bindcore's own parameters from
``bindcore.index.ann``), and 1000 random unit queries are searched for their 10 nearest neighbours. Columns:
build seconds; one-query latency (p50 and p99 over single-query calls); batch throughput (all queries in one
call); recall@10 against the exact result; the structure's size (bytes of its serialised form, which is what
it holds in memory) and the growth of this process's resident memory while building it. Random vectors are
the hard case for approximate search (no clusters); real embeddings usually score higher. Nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from _common import machine_description, markdown_table

COLUMNS = ["n", "dim", "kind", "auto picks", "build s", "p50 ms/query", "p99 ms/query", "batch queries/s", "recall@10",
           "index MiB", "RSS growth MiB", "vectors MiB"]


def rss_mib() -> float:
    """Resident memory of this process (MiB), from /proc."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)  # (n, D)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def measure(kind: str, x: np.ndarray, queries: np.ndarray, truth: np.ndarray, single: int) -> dict:
    """One row: build, single-query latencies, batch throughput, recall, memory."""
    import faiss

    from bindcore.index import ann

    before = rss_mib()
    start = time.perf_counter()
    index = ann.build(kind, x)
    build_s = time.perf_counter() - start
    grown = rss_mib() - before
    ann.search(index, queries[:10], 10)  # warm-up (and sets the search parameters)
    times = []
    for q in queries[:single]:
        t = time.perf_counter()
        ann.search(index, q[None], 10)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    _, found = ann.search(index, queries, 10)
    batch_s = time.perf_counter() - t
    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))
    ordered = sorted(times)
    return {"n": len(x), "dim": x.shape[1], "kind": kind, "auto picks": ann.choose_kind(len(x)), "build s": build_s,
            "p50 ms/query": 1000 * statistics.median(ordered), "p99 ms/query": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
            "batch queries/s": len(queries) / batch_s, "recall@10": recall,
            "index MiB": len(faiss.serialize_index(index)) / 2**20, "RSS growth MiB": max(0.0, grown),
            "vectors MiB": x.nbytes / 2**20}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="2k and 5k vectors, 200 queries (a smoke run)")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--dim", type=int, default=128, help="vector size (tiny: 128; imagebind_huge: 1024)")
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--single", type=int, default=300, help="single-query calls timed for the latency columns")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.queries, args.single = [2000, 5000], 200, 100
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    import faiss

    print(machine_description())
    print(f"\nfaiss {faiss.__version__}, {faiss.omp_get_max_threads()} OpenMP threads")
    rng = np.random.default_rng(0)
    rows = []
    print(markdown_table([], COLUMNS), file=sys.stderr, flush=True)
    for n in args.sizes:
        x, queries = unit(rng, n, args.dim), unit(rng, args.queries, args.dim)
        from bindcore.index import ann

        _, truth = ann.search(ann.build("flat", x), queries, 10)
        for kind in ("flat", "hnsw", "ivf"):
            rows.append(measure(kind, x, queries, truth, args.single))
            print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"\n## k = 10 nearest of {args.queries} random unit queries among n random unit vectors\n")
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    main()
