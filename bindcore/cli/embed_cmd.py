"""`bindcore embed`: embed files and texts of any modality to .npz or .jsonl."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from bindcore.errors import BindcoreError, InputError
from bindcore.specs import CommandSpec

EXIT_SOME_FAILED = 3


def add_arguments(p):
    p.add_argument("items", nargs="*", metavar="MODALITY:ITEM", help='e.g. image:a.jpg audio:b.wav "text:a dog"')
    p.add_argument("--model", required=True, help="a model directory, a run directory or a preset name (random weights)")
    p.add_argument("--manifest", action="append", default=[], help="JSONL/CSV file, one example per line keyed by modality")
    p.add_argument("-o", "--output", required=True, help="output file: .npz (arrays per modality + ids) or .jsonl")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--num-workers", type=int, default=0, help="DataLoader workers for preprocessing")
    p.add_argument("--precision", choices=["fp32", "bf16", "auto"], default="fp32")
    p.add_argument("--on-error", choices=["raise", "skip"], default="raise",
                   help="raise: stop at the first bad item (exit 1); skip: report and continue (exit 3)")
    p.add_argument("--seed", type=int, default=None, help="initialisation seed when --model is a preset")
    p.add_argument("--device", default="cpu")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="force the progress bar on or off")


def collect(items: list[str], manifests: list[str]) -> tuple[dict[str, list], dict[str, list[str]]]:
    """Groups positional MODALITY:ITEM arguments and manifest rows by modality, with ids."""
    from bindcore.data.manifest import read_manifest

    inputs: dict[str, list] = {}
    ids: dict[str, list[str]] = {}
    for arg in items:
        name, sep, value = arg.partition(":")
        if not sep or not name or not value:
            raise UsageError(f"bad item '{arg}': write MODALITY:ITEM, e.g. image:cat.jpg or \"text:a dog\"")
        inputs.setdefault(name, []).append(value)
        ids.setdefault(name, []).append(value)
    for manifest in manifests:
        for row in read_manifest(manifest):
            for name, value in row.items.items():
                inputs.setdefault(name, []).append(value)
                ids.setdefault(name, []).append(row.id)
    return inputs, ids


class UsageError(BindcoreError):
    """A command-line mistake (exit code 2)."""


class _Writer:
    """Streams batches to .jsonl as they come, or gathers them for one .npz written atomically."""

    def __init__(self, path: Path):
        if path.suffix not in (".npz", ".jsonl"):
            raise UsageError(f"output must end in .npz or .jsonl, not '{path.suffix or path.name}'")
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)[1])
        self.file = self.tmp.open("w") if path.suffix == ".jsonl" else None
        self.arrays: dict[str, list[np.ndarray]] = {}
        self.ids: dict[str, list[str]] = {}

    def add(self, batch) -> None:
        z = batch.embeddings.numpy()
        if self.file:
            for item_id, row in zip(batch.ids, z):
                self.file.write(json.dumps({"id": item_id, "modality": batch.modality, "embedding": row.tolist()}) + "\n")
        else:
            self.arrays.setdefault(batch.modality, []).append(z)
            self.ids.setdefault(batch.modality, []).extend(batch.ids)

    def close(self) -> None:
        if self.file:
            self.file.close()
        else:
            out = {}
            for name, chunks in self.arrays.items():
                out[name] = np.concatenate(chunks)
                out[f"{name}_ids"] = np.array(self.ids[name])
            with self.tmp.open("wb") as f:
                np.savez(f, **out)
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self.file:
            self.file.close()
        self.tmp.unlink(missing_ok=True)


def run(args) -> int:
    from bindcore.checkpoint import load_model
    from bindcore.embedding import iter_embeddings

    try:
        inputs, ids = collect(args.items, args.manifest)
        if not inputs:
            raise UsageError("nothing to embed: give MODALITY:ITEM arguments or --manifest FILE")
        writer = _Writer(Path(args.output))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        model = load_model(args.model, modalities=None, seed=args.seed, device=args.device)
        for name in inputs:
            model.modality(name)
        failures = 0
        for name, items in inputs.items():
            for batch in iter_embeddings(model, name, items, ids=ids[name], batch_size=args.batch_size,
                                         num_workers=args.num_workers, precision=args.precision,
                                         on_error=args.on_error, progress=args.progress):
                for failure in batch.failures:
                    print(f"failed: {failure}", file=sys.stderr)
                failures += len(batch.failures)
                writer.add(batch)
        writer.close()
    except InputError as exc:
        writer.abort()
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        writer.abort()
        raise
    total = sum(len(v) for v in inputs.values())
    print(f"embedded {total - failures} of {total} items -> {args.output}", file=sys.stderr)
    return EXIT_SOME_FAILED if failures else 0


COMMAND = CommandSpec("embed", "embed files and texts of any modality to .npz or .jsonl", add_arguments, run)
