"""Builds the argparse tree from the core's commands and the plugins' commands, and runs one."""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from bindcore.errors import BindcoreError

CORE_COMMANDS = (
    "bindcore.cli.plugins_cmd",
    "bindcore.cli.list_cmd",
    "bindcore.cli.embed_cmd",
    "bindcore.cli.config_cmd",
    "bindcore.cli.convert_cmd",
    "bindcore.cli.train_cmd",
    "bindcore.cli.eval_cmd",
    "bindcore.cli.index_cmd",
    "bindcore.cli.serve_cmd",
)


def _core_specs():
    import importlib

    for name in CORE_COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a verb not built yet
                continue
            raise
        yield module.COMMAND


def build_parser(host) -> argparse.ArgumentParser:
    """The parser with every core and plugin subcommand."""
    from bindcore import __version__

    parser = argparse.ArgumentParser(prog="bindcore", description="Bind many modalities into one embedding space.")
    parser.add_argument("--version", action="version", version=f"bindcore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    seen = set()
    specs = list(_core_specs()) + [host.commands.get(n) for n in host.commands.names()]
    for spec in specs:
        if spec.name in seen:
            warnings.warn(f"plugin command '{spec.name}' clashes with a core command and is ignored", RuntimeWarning)
            continue
        seen.add(spec.name)
        p = sub.add_parser(spec.name, help=spec.help, description=spec.help, aliases=list(spec.aliases))
        spec.add_arguments(p)
        p.set_defaults(_run=spec.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `bindcore` console script; returns the exit code (2 for usage errors)."""
    # Idle OpenMP threads sleep instead of spinning: with DataLoader workers or any other busy process on
    # a small machine, spinning threads made every operation several times slower. Set before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from bindcore.plugin_host import default_host

    warnings.simplefilter("default", RuntimeWarning)
    warnings.formatwarning = lambda msg, cat, *a, **k: f"warning: {msg}\n"
    try:
        host = default_host()
        parser = build_parser(host)
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except BindcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
