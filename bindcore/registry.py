"""Registry[T]: a name -> component map that knows who registered what."""

from __future__ import annotations

import difflib
from typing import Generic, Iterator, TypeVar

from bindcore.errors import DuplicateComponentError, UnknownComponentError

T = TypeVar("T")


def did_you_mean(name: str, known: list[str]) -> str:
    """Returns ``"; did you mean 'x'?"`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class Registry(Generic[T]):
    """Named components of one kind (modalities, datasets, ...).

    Args:
        kind: A human word for the components, used in error messages.
    """

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}
        self._sources: dict[str, str] = {}

    def add(self, name: str, item: T, *, source: str) -> None:
        """Adds ``item`` under ``name``; a second plugin using the name is an error naming both."""
        if name in self._items:
            raise DuplicateComponentError(
                f"{self.kind} '{name}' is registered by both '{self._sources[name]}' and '{source}'; "
                f"uninstall or block one of them (BINDCORE_DISABLE_PLUGINS={source})"
            )
        self._items[name] = item
        self._sources[name] = source

    def remove_source(self, source: str) -> None:
        """Drops everything ``source`` registered (rollback of a failed plugin)."""
        for name in [n for n, s in self._sources.items() if s == source]:
            del self._items[name], self._sources[name]

    def get(self, name: str) -> T:
        """Returns the component called ``name``.

        Raises:
            UnknownComponentError: naming the closest known name and listing all of them.
        """
        try:
            return self._items[name]
        except KeyError:
            known = self.names()
            raise UnknownComponentError(
                f"unknown {self.kind} '{name}'{did_you_mean(name, known)} "
                f"(known: {', '.join(known) or 'none'}; is its plugin installed? see `bindcore plugins`)"
            ) from None

    def source(self, name: str) -> str:
        """Returns the plugin that registered ``name``."""
        self.get(name)
        return self._sources[name]

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._items)
