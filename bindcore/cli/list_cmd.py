"""`bindcore list KIND`: registered modalities, datasets, fusions, task heads, commands or presets."""

from __future__ import annotations

import json

from bindcore.cli.plugins_cmd import print_table
from bindcore.specs import CommandSpec

KINDS = {"modalities": "modalities", "datasets": "datasets", "fusions": "fusions", "task-heads": "task_heads",
         "commands": "commands"}


def add_arguments(p):
    p.add_argument("kind", choices=[*KINDS, "presets"], help="what to list")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def run(args) -> int:
    from bindcore.plugin_host import default_host

    if args.kind == "presets":
        from bindcore.config import find_preset, preset_names

        rows = [(n, "", str(find_preset(n))) for n in preset_names()]
    else:
        registry = getattr(default_host(), KINDS[args.kind])
        rows = [(n, registry.source(n), getattr(registry.get(n), "summary", "") or getattr(registry.get(n), "help", ""))
                for n in registry.names()]
    if args.json:
        print(json.dumps([{"name": n, "plugin": p, "summary": s} for n, p, s in rows], indent=2))
    elif rows:
        print_table(("name", "plugin", "summary"), rows)
    else:
        print(f"no {args.kind} registered (see `bindcore plugins`)")
    return 0


COMMAND = CommandSpec("list", "list registered modalities, datasets, fusions, task-heads, commands or presets", add_arguments, run)
