"""`bindcore embed`: embed files and texts of any modality to .npz, .npy, .safetensors or .jsonl (streamed)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bindcore.errors import BindcoreError, InputError
from bindcore.specs import CommandSpec

EXIT_SOME_FAILED = 3


def add_arguments(p):
    p.add_argument("items", nargs="*", metavar="MODALITY:ITEM", help='e.g. image:a.jpg audio:b.wav "text:a dog"')
    p.add_argument("--model", required=True, help="a model directory, a run directory or a preset name (random weights)")
    p.add_argument("--manifest", action="append", default=[], help="JSONL/CSV file, one example per line keyed by modality")
    p.add_argument("-o", "--output", required=True,
                   help="output file, written as batches finish: .npz or .safetensors (arrays per modality + ids), "
                        ".npy (one modality; ids in NAME.ids.json) or .jsonl")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--num-workers", type=int, default=0, help="DataLoader workers for preprocessing")
    p.add_argument("--precision", choices=["fp32", "bf16", "auto"], default="auto",
                   help="auto: bf16 on a CUDA device that multiplies it natively, else fp32 (every CPU)")
    p.add_argument("--on-error", choices=["raise", "skip"], default="raise",
                   help="raise: stop at the first bad item (exit 1); skip: report and continue (exit 3)")
    p.add_argument("--seed", type=int, default=None, help="initialisation seed when --model is a preset")
    p.add_argument("--device", default="cpu")
    p.add_argument("--low-memory", action=argparse.BooleanOptionalAction, default=None,
                   help="release each module's memory-mapped weights after it runs, so resident memory holds about one "
                        "module's weights; each later batch maps them back from the page cache (a fraction of a CPU second "
                        "per batch, docs/performance.md). Default: on for a model directory on the CPU under Linux")
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


def default_low_memory(model: str, device: str) -> bool:
    """Low-memory paging by default where weights are memory-mapped: a model directory on the CPU under Linux."""
    from bindcore.checkpoint import is_model_dir

    path = Path(model)
    return (sys.platform.startswith("linux") and str(device).split(":")[0] == "cpu"
            and (is_model_dir(path) or is_model_dir(path / "checkpoint")))


class UsageError(BindcoreError):
    """A command-line mistake (exit code 2)."""


def run(args) -> int:
    from bindcore.checkpoint import load_model
    from bindcore.cli.embed_writers import EmbeddingWriter, OutputError
    from bindcore.embedding import iter_embeddings

    try:
        inputs, ids = collect(args.items, args.manifest)
        if not inputs:
            raise UsageError("nothing to embed: give MODALITY:ITEM arguments or --manifest FILE")
        writer = EmbeddingWriter(Path(args.output), list(inputs))
    except (UsageError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        low_memory = default_low_memory(args.model, args.device) if args.low_memory is None else args.low_memory
        model = load_model(args.model, modalities=list(inputs), seed=args.seed, device=args.device, low_memory=low_memory)
        for name in inputs:
            model.modality(name)
        failures, forward_s, start = 0, 0.0, time.perf_counter()
        for name, items in inputs.items():
            for batch in iter_embeddings(model, name, items, ids=ids[name], batch_size=args.batch_size,
                                         num_workers=args.num_workers, precision=args.precision,
                                         on_error=args.on_error, progress=args.progress):
                for failure in batch.failures:
                    print(f"failed: {failure}", file=sys.stderr)
                failures += len(batch.failures)
                forward_s += batch.forward_s
                writer.add(batch)
        writer.close()
        wall = time.perf_counter() - start
    except InputError as exc:
        writer.abort()
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        writer.abort()
        raise
    total = sum(len(v) for v in inputs.values())
    print(f"embedded {total - failures} of {total} items -> {args.output} in {wall:.1f} s "
          f"({100 * (wall - forward_s) / max(wall, 1e-9):.0f}% of it outside the forward pass)", file=sys.stderr)
    return EXIT_SOME_FAILED if failures else 0


COMMAND = CommandSpec("embed", "embed files and texts of any modality to .npz, .npy, .safetensors or .jsonl",
                      add_arguments, run)
