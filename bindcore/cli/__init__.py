"""The `bindcore` command line: core verbs plus those plugins register."""

from bindcore.cli.main import main

__all__ = ["main"]
