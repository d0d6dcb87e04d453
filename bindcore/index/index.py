"""Index: embeddings of a collection with their ids and metadata, searchable by any modality's query.

Example:
    >>> index = bindcore.Index.open("runs/index")  # doctest: +SKIP
    >>> for hit in index.search("text:a dog barking", k=5, modality="audio"):  # doctest: +SKIP
    ...     print(hit.score, hit.id)
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from bindcore.atomic import write_atomic
from bindcore.errors import BindcoreError, InputError
from bindcore.index import ann, store
from bindcore.index.query import local_item, parse_query
from bindcore.index.store import IndexStoreError

FAISS_SIDECAR = ".json"  # faiss/<modality>.index.json: the chunks the FAISS file was built from


@dataclass
class Hit:
    """One search result: which item, how similar (cosine), and what the index stored about it."""

    modality: str
    id: str
    score: float
    record: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"modality": self.modality, "id": self.id, "score": self.score,
                **{k: v for k, v in self.record.items() if k != "id"}}


class Index:
    """An index directory (see :mod:`bindcore.index.store` for the layout).

    Open one with :meth:`open`, make one with :meth:`create`; add items with :meth:`add_manifest` or
    :meth:`add_items` (resumable: items whose id is already stored are skipped), search with :meth:`search`.
    """

    def __init__(self, directory: Path, meta: dict[str, Any], model=None):
        self.directory = directory
        self.meta = meta
        self._model = model
        self._records: dict[str, list[dict[str, Any]]] = {}
        self._ann: dict[str, Any] = {}
        self._lookup: dict[str, dict[str, int]] = {}
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: str | os.PathLike, model, *, source: str, seed: int | None = None,
               index_type: str = "auto") -> "Index":
        """Makes an empty index for ``model``, or reopens one left by an interrupted build with the same model.

        Args:
            directory: the index directory (created).
            model: the BindModel that embeds the items.
            source: how to load that model again (a model directory or a preset name), recorded for queries.
            seed: the initialisation seed when ``source`` is a preset.
            index_type: "auto", "flat", "hnsw" or "ivf" (see :mod:`bindcore.index.ann`).

        Raises:
            IndexStoreError: the directory holds something else, or an index of another model.
        """
        from bindcore.index.fingerprint import model_fingerprints

        path = Path(directory)
        ann.choose_kind(0, index_type)
        if store.is_index_dir(path):
            index = cls.open(path, model=model)
            return index
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise IndexStoreError(f"{path} exists and is not an index: choose a new directory")
        path.mkdir(parents=True, exist_ok=True)
        source = str(Path(source).resolve()) if Path(source).exists() else str(source)
        meta = {"format": store.FORMAT, "embed_dim": model.embed_dim, "index_type": index_type,
                "model": {"source": source, "seed": seed, "fingerprints": model_fingerprints(model)},
                "modalities": {}}
        store.write_manifest(path, meta)
        return cls(path, meta, model)

    @classmethod
    def open(cls, directory: str | os.PathLike, *, model=None) -> "Index":
        """Opens an index directory.

        Args:
            directory: made by :meth:`create` or `bindcore index build`.
            model: a BindModel to embed queries and new items (default: loaded from the recorded source on
                first need, only the modalities needed).

        Raises:
            IndexStoreError: not an index, corrupt, or ``model`` is not the model it was built with.
        """
        path = Path(directory)
        index = cls(path, store.read_manifest(path))
        if model is not None:
            index.use_model(model)
        return index

    def use_model(self, model) -> None:
        """Embeds queries and new items with ``model`` (checked against the index's fingerprints)."""
        if model.embed_dim != self.embed_dim:
            raise IndexStoreError(f"{self.directory} holds {self.embed_dim}-d embeddings; the model gives {model.embed_dim}-d")
        for name in model.names:
            self._check_fingerprint(model, name)
        self._model = model

    def _check_fingerprint(self, model, name: str) -> None:
        from bindcore.index.fingerprint import modality_fingerprint

        recorded = self.meta["model"].get("fingerprints", {}).get(name)
        if recorded is not None and recorded != modality_fingerprint(model.modality(name)):
            raise IndexStoreError(f"{self.directory} was built with other '{name}' weights than this model's "
                                  f"(model source recorded: {self.meta['model']['source']}); build a new index for it")

    # -- what it holds ------------------------------------------------------------------------------
    @property
    def embed_dim(self) -> int:
        return int(self.meta["embed_dim"])

    @property
    def modalities(self) -> list[str]:
        """The modalities that have committed items in the index (read from disk: a killed build counts)."""
        root = self.directory / store.CHUNKS
        found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        order = list(self.meta["modalities"])
        found.sort(key=lambda m: order.index(m) if m in order else len(order))
        return [m for m in found if store.chunk_dirs(self.directory, m)]

    def __len__(self) -> int:
        return sum(len(self.records(m)) for m in self.modalities)

    def records(self, modality: str) -> list[dict[str, Any]]:
        """The stored records of one modality, in row order (id, item, label, split, extra)."""
        if modality not in self._records:
            self._records[modality] = [r for c in store.read_chunks(self.directory, modality) for r in c.records]
            self._lookup[modality] = {r["id"]: i for i, r in enumerate(self._records[modality])}
        return self._records[modality]

    def record(self, modality: str, item_id: str) -> dict[str, Any] | None:
        """The stored record of one item, or None."""
        if modality not in self.modalities:
            return None
        row = self._lookup.get(modality, {}).get(item_id) if modality in self._lookup else None
        if row is None:
            self.records(modality)
            row = self._lookup[modality].get(item_id)
        return None if row is None else self._records[modality][row]

    def embeddings(self, modality: str) -> np.ndarray:
        """All stored embeddings of one modality (n, E) float32, in row order."""
        chunks = [c.embeddings for c in store.read_chunks(self.directory, modality)]
        return np.concatenate(chunks) if chunks else np.empty((0, self.embed_dim), np.float32)  # (n, E)

    def model_for(self, modality: str):
        """The model that embeds ``modality`` (loaded from the recorded source when none was given)."""
        if self._model is not None and modality in self._model.names:
            return self._model
        names = sorted({modality, *(self._model.names if self._model is not None else [])})
        model = load_for(self.meta["model"]["source"], names, self.meta["model"].get("seed"))
        self.use_model(model)
        return model

    # -- adding -------------------------------------------------------------------------------------
    def add_manifest(self, manifest: str | os.PathLike, *, modalities: list[str] | None = None, **options) -> "AddReport":
        """Embeds and stores the rows of a JSONL/CSV manifest (see :meth:`add_items` for ``options``).

        Columns that are not modalities of the model are ignored unless ``modalities`` names them.
        """
        from bindcore.data.manifest import read_manifest

        model = self._model
        if model is None:
            raise BindcoreError("adding items needs a model: Index.open(directory, model=...)")
        columns: dict[str, list] = {}
        ignored: set[str] = set()
        for row in read_manifest(manifest, modalities=modalities):
            for name, raw in row.items.items():
                if name not in model.names:
                    if modalities:
                        model.modality(name)  # raises, naming the modalities the model holds
                    ignored.add(name)
                    continue
                columns.setdefault(name, []).append((row.id, raw, {"label": row.label, "split": row.split,
                                                                   "extra": row.extra}))
        report = self.add_items(columns, **options)
        report.ignored_columns = sorted(ignored)
        return report

    def add_items(self, columns: Mapping[str, list[tuple[str, Any, dict]]], *, batch_size: int = 32,
                  num_workers: int = 0, precision: str = "fp32", on_error: str = "raise", chunk_size: int = 1024,
                  progress: bool | None = None) -> "AddReport":
        """Embeds and stores items, committing a chunk every ``chunk_size`` items; skips ids already stored.

        Args:
            columns: {modality: [(id, raw item, {label, split, extra}), ...]}.
            batch_size, num_workers, precision, on_error, progress: see :func:`bindcore.embedding.iter_embeddings`.
            chunk_size: items per committed chunk (what a kill can lose at most, per modality).

        Returns:
            AddReport: counts added and skipped, failures.
        """
        from bindcore.embedding import iter_embeddings

        model = self._model
        if model is None:
            raise BindcoreError("adding items needs a model: Index.open(directory, model=...)")
        if chunk_size < 1:
            raise BindcoreError(f"chunk_size must be at least 1, not {chunk_size}")
        store.remove_partial_chunks(self.directory)
        report = AddReport()
        for name, entries in columns.items():
            spec = model.modality(name).spec
            if name not in self.meta["modalities"]:
                self.meta["modalities"][name] = {"type": spec.name, "count": 0}
                store.write_manifest(self.directory, self.meta)
            seen = {r["id"] for r in self.records(name)} if store.chunk_dirs(self.directory, name) else set()
            todo = []
            for item_id, raw, info in entries:
                if str(item_id) in seen:
                    report.skipped[name] = report.skipped.get(name, 0) + 1
                    continue
                seen.add(str(item_id))
                todo.append((str(item_id), raw, info))
            report.added.setdefault(name, 0)
            if not todo:
                continue
            rows, records = [], []
            for batch in iter_embeddings(model, name, [raw for _, raw, _ in todo], ids=[i for i, _, _ in todo],
                                         batch_size=batch_size, num_workers=num_workers, precision=precision,
                                         on_error=on_error, progress=progress):
                report.failures += batch.failures
                rows.append(batch.embeddings.numpy())  # (B, E)
                records += [_record(*todo[i], takes_files=bool(spec.accepts)) for i in batch.indices]
                if len(records) >= chunk_size:
                    self._commit(name, rows, records, report)
                    rows, records = [], []
            if records:
                self._commit(name, rows, records, report)
        self._save_meta()
        for name in columns:
            if store.chunk_dirs(self.directory, name):
                self.ann(name)  # brings the FAISS structure up to date
        return report

    def _commit(self, name: str, rows: list[np.ndarray], records: list[dict], report: "AddReport") -> None:
        store.write_chunk(self.directory, name, np.concatenate(rows), records)
        report.added[name] += len(records)
        self._records.pop(name, None)
        self._lookup.pop(name, None)

    def _save_meta(self) -> None:
        for name in self.meta["modalities"]:
            self.meta["modalities"][name]["count"] = len(self.records(name)) if store.chunk_dirs(self.directory, name) else 0
        store.write_manifest(self.directory, self.meta)

    # -- searching ----------------------------------------------------------------------------------
    def ann(self, modality: str):
        """The FAISS structure of one modality, brought up to date with its chunks (added to or rebuilt)."""
        with self._lock:  # the server searches from several threads
            return self._ann_locked(modality)

    def _ann_locked(self, modality: str):
        dirs = store.chunk_dirs(self.directory, modality)
        cached = self._ann.get(modality)
        if cached is not None and [name for name, _ in cached[1]] == [p.name for p in dirs]:
            return cached[0]  # committed chunks never change, so the same names mean the same rows
        self._records.pop(modality, None)  # new chunks (perhaps from another process): reread the records too
        self._lookup.pop(modality, None)
        chunks = [(p.name, _rows(p)) for p in dirs]
        total = sum(n for _, n in chunks)
        path = store.faiss_path(self.directory, modality)
        sidecar = path.with_name(path.name + FAISS_SIDECAR)
        kind = ann.choose_kind(total, self.meta.get("index_type", "auto"))
        index, built_from = None, []
        if path.is_file() and sidecar.is_file():
            try:
                built_from = [tuple(c) for c in json.loads(sidecar.read_text())["chunks"]]
                index = ann.load(path)
            except (BindcoreError, ValueError, KeyError):
                index, built_from = None, []
        fresh = (index is None or ann.kind_of(index) != kind or built_from != chunks[:len(built_from)]
                 or index.ntotal != sum(n for _, n in built_from))
        if fresh:
            index = ann.build(kind, self.embeddings(modality))
        elif len(built_from) < len(chunks):
            new = [c.embeddings for c in store.read_chunks(self.directory, modality)][len(built_from):]
            ann.add(index, np.concatenate(new))
        if fresh or len(built_from) < len(chunks):
            ann.save(index, path)
            write_atomic(sidecar, json.dumps({"chunks": chunks}))
        self._ann[modality] = (index, chunks)
        return index

    def embed_query(self, query: Any) -> tuple[str | None, np.ndarray]:
        """(query modality or None, unit vector (E,)) for "MODALITY:VALUE", {modality: raw item} or a vector."""
        if isinstance(query, np.ndarray) or hasattr(query, "numpy"):
            vector = np.asarray(query, dtype=np.float32).reshape(-1)  # (E,)
            if vector.shape[0] != self.embed_dim:
                raise InputError(f"the query vector has {vector.shape[0]} values; this index holds {self.embed_dim}-d embeddings")
            return None, vector / max(float(np.linalg.norm(vector)), 1e-12)
        if isinstance(query, Mapping):
            if len(query) != 1:
                raise InputError("give one query item: {modality: raw item}")
            (name, value), = query.items()
        elif isinstance(query, str):
            name, value = parse_query(query)
            model = self.model_for(name)
            value = local_item(model.modality(name).spec, value)
        else:
            raise InputError(f"unsupported query type {type(query).__name__}: give \"MODALITY:VALUE\", "
                             "{modality: item} or a vector")
        model = self.model_for(name)
        z = model.embed({name: [value]}, progress=False)[name][0]  # (E,)
        return name, z.numpy()

    def search(self, query: Any, k: int = 10, *, modality: str | list[str] | None = None,
               exact: bool = False) -> list[Hit]:
        """The ``k`` stored items most similar to ``query`` (cosine), best first.

        Args:
            query: "MODALITY:VALUE" ("text:a dog barking", "audio:query.wav": a path for modalities that read
                files), {modality: raw item}, or an (E,) vector.
            k: how many results.
            modality: search only these stored modalities (default: all, merged by score).
            exact: brute-force search instead of the FAISS structure.

        Raises:
            InputError: a bad query; BindcoreError: a modality the index does not hold.
        """
        if k < 1:
            raise InputError(f"k must be at least 1, not {k}")
        targets = [modality] if isinstance(modality, str) else list(modality or self.modalities)
        for name in targets:
            if name not in self.modalities:
                raise BindcoreError(f"the index holds no '{name}' items (it holds: {', '.join(self.modalities) or 'nothing'})")
        _, vector = self.embed_query(query)
        hits = []
        for name in targets:
            scores, rows = self._search_one(name, vector[None], k, exact)
            records = self.records(name)
            hits += [Hit(name, records[r]["id"], float(s), records[r]) for s, r in zip(scores[0], rows[0]) if r >= 0]
        return sorted(hits, key=lambda h: -h.score)[:k]

    def _search_one(self, name: str, queries: np.ndarray, k: int, exact: bool) -> tuple[np.ndarray, np.ndarray]:
        if not exact:
            return ann.search(self.ann(name), queries, k)
        self._records.pop(name, None)  # read the records with the rows, as they are now
        self._lookup.pop(name, None)
        z = self.embeddings(name)  # (n, E)
        scores = queries @ z.T  # (Q, n)
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]  # (Q, k)
        return np.take_along_axis(scores, top, 1), top

    def remove(self) -> None:
        """Deletes the index directory."""
        shutil.rmtree(self.directory)


@dataclass
class AddReport:
    """What an add did: items embedded and stored, items skipped because their id was stored, failures."""

    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    failures: list = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def load_for(source: str, names: list[str] | None, seed: int | None = None, device: str = "cpu"):
    """Loads the modalities ``names`` (None: all) of a model directory; a preset is built whole, since a
    preset's random weights depend on every modality built before it (the seed is consumed in order)."""
    from bindcore.checkpoint import is_model_dir, load_model

    whole = not (is_model_dir(source) or is_model_dir(Path(source) / "checkpoint"))
    return load_model(source, modalities=None if whole else names, seed=seed, device=device)


def _record(item_id: str, raw: Any, info: dict, *, takes_files: bool) -> dict[str, Any]:
    """What is stored about one item: its id, the raw value (an absolute path for file modalities), metadata."""
    if takes_files and isinstance(raw, (str, os.PathLike)):
        raw = os.path.abspath(raw)
    elif not isinstance(raw, (str, int, float, bool)) or raw is None:
        from bindcore.io.describe import describe

        raw = describe(raw)
    out = {"id": item_id, "item": raw}
    out.update({k: v for k, v in info.items() if v not in (None, {}, "")})
    return out


def _rows(chunk_dir: Path) -> int:
    """The number of rows of a chunk, read from the .npy header only."""
    return int(np.load(chunk_dir / store.EMBEDDINGS_FILE, mmap_mode="r").shape[0])
