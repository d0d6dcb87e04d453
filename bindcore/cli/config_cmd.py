"""`bindcore config show|validate FILE`: resolve presets and overrides, validate with every plugin's schema."""

from __future__ import annotations

import sys

import yaml

from bindcore.specs import CommandSpec


def add_arguments(p):
    p.add_argument("action", choices=["show", "validate"], help="print the resolved model config, or only check it")
    p.add_argument("config", help="a model preset name or YAML file")
    p.add_argument("overrides", nargs="*", metavar="a.b=c", help="override settings")


def run(args) -> int:
    from bindcore.config import apply_overrides, load_yaml
    from bindcore.model import build_model

    data = load_yaml(args.config) if args.config.endswith((".yaml", ".yml")) else {"preset": args.config}
    data = apply_overrides(data, args.overrides)
    model = build_model(data, device="meta")
    if args.action == "show":
        yaml.safe_dump(model.config, sys.stdout, sort_keys=False)
    else:
        print(f"ok: {len(model.modalities)} modalities ({', '.join(model.names)}), embed_dim {model.embed_dim}")
    return 0


COMMAND = CommandSpec("config", "show or validate a model config (presets, overrides, plugin schemas)", add_arguments, run)
