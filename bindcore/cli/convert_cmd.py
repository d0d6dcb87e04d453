"""`bindcore convert imagebind CKPT OUT_DIR`: official checkpoints to model directories."""

from __future__ import annotations

import json
import sys

from bindcore.errors import ConfigError
from bindcore.specs import CommandSpec


def add_arguments(p):
    p.add_argument("format", choices=["imagebind"], help="the checkpoint's project")
    p.add_argument("checkpoint", help="e.g. imagebind_huge.pth (read with weights_only=True, memory-mapped)")
    p.add_argument("out_dir", help="the model directory to write")
    p.add_argument("--config", help="JSON of the official ImageBindModel constructor arguments "
                                    "(or an object with 'model_kwargs'); default: imagebind_huge's sizes")
    p.add_argument("--modalities", help="comma-separated bindcore names to convert (default: all)")


def read_kwargs(path: str | None) -> dict:
    """Reads constructor arguments from a JSON file (its ``model_kwargs`` if present)."""
    if not path:
        return {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"--config {path}: {exc}") from None
    data = data.get("model_kwargs", data) if isinstance(data, dict) else data
    if not isinstance(data, dict):
        raise ConfigError(f"--config {path}: expected a JSON object of constructor arguments")
    return data


def run(args) -> int:
    from bindcore.compat.imagebind import convert

    modalities = [m.strip() for m in args.modalities.split(",") if m.strip()] if args.modalities else None
    out = convert(args.checkpoint, args.out_dir, kwargs=read_kwargs(args.config), modalities=modalities)
    print(f"wrote {out}; load it with bindcore.load_model({str(out)!r})", file=sys.stderr)
    return 0


COMMAND = CommandSpec("convert", "convert another project's checkpoint (imagebind) into a model directory", add_arguments, run)
