"""Output files of `bindcore embed`, written while embedding: memory stays flat however many items there are.

Every format spools each batch to disk as it arrives (rows as raw float32, ids as JSON lines, one pair of
temporary files per modality); ``close`` assembles the final file from the spools in chunks and renames it
into place, so an interrupted run never leaves a half-written output.

- ``.jsonl``: one ``{"id", "modality", "embedding"}`` object per line (written directly);
- ``.npy``: the (N, E) float32 array of the one modality embedded, ids in ``<name>.ids.json`` beside it;
- ``.npz``: ``<modality>`` (N, E) float32 and ``<modality>_ids`` (N,) str arrays, as ``np.savez`` writes them;
- ``.safetensors``: one (N, E) F32 tensor per modality, ids as JSON lists in the metadata (``<modality>_ids``).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Iterator

import numpy as np

from bindcore.errors import BindcoreError

SUFFIXES = (".npz", ".npy", ".safetensors", ".jsonl")
CHUNK = 1 << 20  # bytes copied at a time when assembling


class OutputError(BindcoreError):
    """An output path or combination the writers cannot honour."""


class _Spool:
    """One modality's rows (raw little-endian float32) and ids (JSON lines) in two temporary files."""

    def __init__(self, directory: Path, name: str):
        self.rows = tempfile.NamedTemporaryFile(prefix=f".{name}.", suffix=".f32", dir=directory, delete=False)
        self.ids = tempfile.NamedTemporaryFile("w", prefix=f".{name}.", suffix=".ids", dir=directory, delete=False)
        self.count, self.width, self.longest_id = 0, None, 1

    def add(self, z: np.ndarray, ids: list[str]) -> None:
        if self.width is None:
            self.width = z.shape[1]
        self.rows.write(np.ascontiguousarray(z, dtype="<f4").tobytes())
        for item_id in ids:
            self.ids.write(json.dumps(item_id) + "\n")
            self.longest_id = max(self.longest_id, len(item_id))
        self.count += len(ids)

    def finish(self) -> None:
        self.rows.close()
        self.ids.close()

    def copy_rows(self, out: IO[bytes]) -> None:
        with open(self.rows.name, "rb") as f:
            shutil.copyfileobj(f, out, CHUNK)

    def iter_ids(self) -> Iterator[str]:
        with open(self.ids.name) as f:
            for line in f:
                yield json.loads(line)

    def remove(self) -> None:
        for f in (self.rows, self.ids):
            f.close()
            Path(f.name).unlink(missing_ok=True)

    @property
    def shape(self) -> tuple[int, int]:
        return self.count, self.width or 0


class EmbeddingWriter:
    """Streams embedding batches into ``path`` (format from the suffix); see the module docstring.

    Args:
        path: the output file.
        modalities: the modality names that will be written (``.npy`` holds exactly one).

    Raises:
        OutputError: an unknown suffix, or ``.npy`` with several modalities.
    """

    def __init__(self, path: str | os.PathLike, modalities: list[str]):
        self.path = Path(path)
        if self.path.suffix not in SUFFIXES:
            raise OutputError(f"output must end in {', '.join(SUFFIXES)}, not '{self.path.suffix or self.path.name}'")
        if self.path.suffix == ".npy" and len(modalities) != 1:
            raise OutputError(f"a .npy file holds one modality, not {len(modalities)} ({', '.join(modalities)}); "
                              "use .npz or .safetensors for several")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        self.lines = self.tmp.open("w") if self.path.suffix == ".jsonl" else None
        self.spools: dict[str, _Spool] = {}

    def add(self, batch) -> None:
        """Writes one EmbedBatch (its rows and ids)."""
        z = batch.embeddings.float().numpy()  # (B, E)
        if self.lines:
            for item_id, row in zip(batch.ids, z):
                self.lines.write(json.dumps({"id": item_id, "modality": batch.modality, "embedding": row.tolist()}) + "\n")
            return
        if batch.modality not in self.spools:
            self.spools[batch.modality] = _Spool(self.path.parent, batch.modality)
        self.spools[batch.modality].add(z, batch.ids)

    def close(self) -> Path:
        """Assembles the output from the spools and moves it into place."""
        try:
            if self.lines:
                self.lines.close()
            else:
                for spool in self.spools.values():
                    spool.finish()
                getattr(self, "_write_" + self.path.suffix[1:])()
            os.replace(self.tmp, self.path)
        finally:
            self._cleanup()
        return self.path

    def abort(self) -> None:
        """Removes every temporary file; the output path is left as it was."""
        if self.lines:
            self.lines.close()
        self._cleanup()
        self.tmp.unlink(missing_ok=True)

    def _cleanup(self) -> None:
        for spool in self.spools.values():
            spool.remove()

    # -- formats -------------------------------------------------------------------------------------
    def _write_npy(self) -> None:
        (spool,) = self.spools.values() or [None]
        shape = spool.shape if spool else (0, 0)
        with self.tmp.open("wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": shape})
            if spool:
                spool.copy_rows(f)
        ids_path = self.path.with_name(self.path.stem + ".ids.json")
        tmp_ids = ids_path.with_name(f".{ids_path.name}.tmp")
        with tmp_ids.open("w") as f:
            f.write("[")
            for i, item_id in enumerate(spool.iter_ids() if spool else ()):
                f.write(("," if i else "") + json.dumps(item_id))
            f.write("]\n")
        os.replace(tmp_ids, ids_path)

    def _write_npz(self) -> None:
        with zipfile.ZipFile(self.tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, spool in self.spools.items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as f:
                    np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": spool.shape})
                    spool.copy_rows(f)
                width = spool.longest_id
                with zf.open(f"{name}_ids.npy", "w", force_zip64=True) as f:
                    np.lib.format.write_array_header_1_0(f, {"descr": f"<U{width}", "fortran_order": False,
                                                             "shape": (spool.count,)})
                    for item_id in spool.iter_ids():
                        f.write(np.array(item_id, dtype=f"<U{width}").tobytes())

    def _write_safetensors(self) -> None:
        header: dict = {"__metadata__": {f"{name}_ids": json.dumps(list(spool.iter_ids()))
                                         for name, spool in self.spools.items()}}
        offset = 0
        for name, spool in self.spools.items():
            size = spool.count * (spool.width or 0) * 4
            header[name] = {"dtype": "F32", "shape": list(spool.shape), "data_offsets": [offset, offset + size]}
            offset += size
        encoded = json.dumps(header, separators=(",", ":")).encode()
        encoded += b" " * (-len(encoded) % 8)  # the format pads the header to 8 bytes
        with self.tmp.open("wb") as f:
            f.write(struct.pack("<Q", len(encoded)))
            f.write(encoded)
            for spool in self.spools.values():
                spool.copy_rows(f)
