"""FAISS search structures over unit vectors (inner product = cosine): exact flat, HNSW or IVF by size.

``auto`` picks exact search below FLAT_BELOW vectors (it is fast enough and exact), HNSW up to IVF_FROM
(no training, high recall, about 1.2x the vectors' memory), IVF beyond (less memory per vector, trained
on a sample). ``benchmarks/index_search.py`` measures the recall and latency of each.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from bindcore.errors import BindcoreError

KINDS = ("auto", "flat", "hnsw", "ivf")
FLAT_BELOW = 10_000
IVF_FROM = 1_000_000
HNSW_M = 32  # links per node
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 256
IVF_TRAIN_PER_LIST = 64  # training vectors per list (FAISS warns below 39)


def _faiss():
    try:
        import faiss
    except ImportError:
        raise BindcoreError("searching needs FAISS: pip install 'bindcore[serve]' (or faiss-cpu)") from None
    return faiss


def choose_kind(n: int, requested: str = "auto") -> str:
    """The structure for ``n`` vectors: ``requested`` unless it is "auto"."""
    if requested not in KINDS:
        raise BindcoreError(f"unknown index type '{requested}' (use one of: {', '.join(KINDS)})")
    if requested != "auto":
        return requested
    return "flat" if n < FLAT_BELOW else "hnsw" if n < IVF_FROM else "ivf"


def ivf_lists(n: int) -> int:
    """Number of IVF lists: about 4 sqrt(n), and at most n / IVF_TRAIN_PER_LIST so every list trains."""
    return max(1, min(int(4 * math.sqrt(n)), n // IVF_TRAIN_PER_LIST))


def build(kind: str, vectors: np.ndarray, seed: int = 0):
    """A new FAISS index of ``kind`` ("flat", "hnsw" or "ivf") holding ``vectors`` (n, E) float32."""
    faiss = _faiss()
    x = np.ascontiguousarray(vectors, dtype=np.float32)  # (n, E)
    n, dim = x.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivf":
        if n < IVF_TRAIN_PER_LIST:
            raise BindcoreError(f"an IVF index needs at least {IVF_TRAIN_PER_LIST} vectors to train, got {n}: "
                                "use --index-type flat")
        lists = ivf_lists(n)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(seed).choice(n, size=min(n, 256 * lists), replace=False)
        index.train(x[np.sort(sample)])
        index.nprobe = ivf_probes(lists)
    else:
        raise BindcoreError(f"unknown index type '{kind}'")
    if n:
        index.add(x)
    return index


def ivf_probes(lists: int) -> int:
    """Lists visited per query: a quarter of them, at least 32 (recall on random vectors, the hard case, is in
    benchmarks/results/index_search-*.md; clustered real embeddings need fewer)."""
    return min(lists, max(32, lists // 4))


def kind_of(index) -> str:
    """"flat", "hnsw" or "ivf" for an index made by :func:`build`."""
    name = type(index).__name__
    return "hnsw" if "HNSW" in name else "ivf" if "IVF" in name else "flat"


def add(index, vectors: np.ndarray) -> None:
    """Appends rows (n, E) to an existing index (IVF keeps its trained lists)."""
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))


def search(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores (Q, k), row numbers (Q, k)); missing neighbours have row -1."""
    k = max(1, min(k, index.ntotal))
    q = np.ascontiguousarray(queries, dtype=np.float32)  # (Q, E)
    kind = kind_of(index)
    if kind == "ivf":
        index.nprobe = ivf_probes(index.nlist)  # not stored in the file
    elif kind == "hnsw":
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
    return index.search(q, k)


def save(index, path: Path) -> None:
    """Writes the index through a temporary file and a rename."""
    faiss = _faiss()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        faiss.write_index(index, str(tmp))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load(path: Path):
    """Reads an index written by :func:`save`."""
    faiss = _faiss()
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        raise BindcoreError(f"{path} is corrupt ({str(exc).splitlines()[0]}); delete it and it is rebuilt on the next "
                            "open") from None
