"""The index directory on disk: a small JSON manifest, embeddings in chunks, one FAISS file per modality.

Layout::

    INDEX_DIR/
      index.json                          format, model (source, seed, embed dim, fingerprints), index type
      chunks/<modality>/000000/           one chunk, written in a temporary folder and renamed into place
        embeddings.npy                    (n, E) float32 unit-norm rows (memory-mappable)
        items.jsonl                       one record per row: id, item (path or value), label, split, extra
      faiss/<modality>.index              the search structure over every chunk of that modality

A chunk appears whole or not at all, so a killed build loses at most the chunk it was filling, and the
items already in chunks are never embedded again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from bindcore.atomic import write_atomic
from bindcore.errors import BindcoreError
from bindcore.versioned_json import read_versioned_json

FORMAT = 1
MANIFEST = "index.json"
CHUNKS = "chunks"
FAISS_DIR = "faiss"
EMBEDDINGS_FILE = "embeddings.npy"
ITEMS_FILE = "items.jsonl"


class IndexStoreError(BindcoreError):
    """An index directory is missing, corrupt, or does not match the model."""


def is_index_dir(path: str | os.PathLike) -> bool:
    return (Path(path) / MANIFEST).is_file()


def read_manifest(directory: Path) -> dict[str, Any]:
    """index.json of an index directory."""
    return read_versioned_json(directory / MANIFEST, FORMAT, IndexStoreError,
                               f"{directory} is not a bindcore index (no {MANIFEST}); build one with `bindcore index build`")


def write_manifest(directory: Path, meta: dict[str, Any]) -> None:
    write_atomic(directory / MANIFEST, json.dumps(meta, indent=2) + "\n")


@dataclass
class Chunk:
    """One committed chunk: its folder, its (n, E) rows (memory-mapped) and their records."""

    path: Path
    embeddings: np.ndarray
    records: list[dict[str, Any]]


def chunk_dirs(directory: Path, modality: str) -> list[Path]:
    """The committed chunk folders of one modality, in order (temporary ones are ignored)."""
    root = directory / CHUNKS / modality
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()) if root.is_dir() else []


def read_chunks(directory: Path, modality: str) -> Iterator[Chunk]:
    """Yields the committed chunks of one modality in order."""
    for path in chunk_dirs(directory, modality):
        try:
            rows = np.load(path / EMBEDDINGS_FILE, mmap_mode="r")
            records = [json.loads(line) for line in (path / ITEMS_FILE).read_text().splitlines() if line]
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"chunk {path} is corrupt ({exc}); delete that folder and run `bindcore index add` "
                              "again to embed its items anew") from None
        if len(records) != len(rows):
            raise IndexStoreError(f"chunk {path} holds {len(rows)} embeddings but {len(records)} records; delete that "
                              "folder and run `bindcore index add` again")
        yield Chunk(path, rows, records)


def write_chunk(directory: Path, modality: str, embeddings: np.ndarray, records: list[dict[str, Any]]) -> Path:
    """Commits one chunk: both files go into a temporary folder that is renamed to the next number."""
    root = directory / CHUNKS / modality
    root.mkdir(parents=True, exist_ok=True)
    existing = chunk_dirs(directory, modality)
    number = int(existing[-1].name) + 1 if existing else 0
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        np.save(tmp / EMBEDDINGS_FILE, np.ascontiguousarray(embeddings, dtype=np.float32))  # (n, E)
        (tmp / ITEMS_FILE).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        for name in (EMBEDDINGS_FILE, ITEMS_FILE):
            with open(tmp / name, "rb") as f:
                os.fsync(f.fileno())
        final = root / f"{number:06d}"
        os.rename(tmp, final)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_partial_chunks(directory: Path) -> None:
    """Deletes temporary chunk folders left by a killed build."""
    for tmp in (directory / CHUNKS).glob("*/.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)


def faiss_path(directory: Path, modality: str) -> Path:
    return directory / FAISS_DIR / f"{modality}.index"
