"""The exceptions bindcore raises: one base class and a few precise subclasses."""

from __future__ import annotations


class BindcoreError(Exception):
    """Base class of every error bindcore raises on purpose."""


class ConfigError(BindcoreError):
    """A configuration file, override or value is invalid."""


class PluginError(BindcoreError):
    """A plugin failed to load, registered something invalid, or is missing."""


class UnknownComponentError(BindcoreError, KeyError):
    """A registry was asked for a name it does not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DuplicateComponentError(PluginError):
    """Two plugins registered the same name."""


class InputError(BindcoreError, ValueError):
    """One raw input item cannot be turned into a tensor.

    Args:
        message: What is wrong and, where useful, what to do about it.
        item: A short description of the offending item (a path, an index).
    """

    def __init__(self, message: str, item: str | None = None):
        super().__init__(message)
        self.message = message
        self.item = item

    def with_item(self, item: str) -> "InputError":
        """Returns a copy naming ``item`` (keeps an item set earlier)."""
        return InputError(self.message, self.item or item)

    def __str__(self) -> str:
        return f"{self.item}: {self.message}" if self.item else self.message


class CheckpointError(BindcoreError):
    """A model directory or checkpoint file is missing, corrupt or does not match."""
