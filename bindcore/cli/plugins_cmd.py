"""`bindcore plugins`: the installed plugins, their hooks and whether they loaded."""

from __future__ import annotations

import json

from bindcore.specs import CommandSpec


def add_arguments(p):
    p.add_argument("--all", action="store_true", help="include the core's built-in plugin")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def run(args) -> int:
    from bindcore.plugin_host import default_host

    plugins = default_host().list_plugins(include_builtin=args.all)
    if args.json:
        print(json.dumps([p.as_dict() for p in plugins], indent=2))
        return 0
    if not plugins:
        print("no plugins installed (pip install bindcore-image, ...)")
        return 0
    rows = [(p.name, p.version, ",".join(h.removeprefix("register_") for h in p.hooks), p.status, p.error) for p in plugins]
    print_table(("name", "version", "hooks", "status", "error"), rows)
    return 0


def print_table(header, rows) -> None:
    """Prints rows as aligned columns."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in (header, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip())


COMMAND = CommandSpec("plugins", "list installed plugins (name, version, hooks, status, error)", add_arguments, run)
