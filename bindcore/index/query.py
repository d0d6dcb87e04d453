"""Queries written MODALITY:VALUE; whether VALUE is a file path or the value itself comes from the modality's spec."""

from __future__ import annotations

import os
from typing import Any

from bindcore.errors import InputError
from bindcore.specs import ModalitySpec


def parse_query(text: str) -> tuple[str, str]:
    """Splits "MODALITY:VALUE" ("text:a dog barking", "audio:query.wav").

    Raises:
        InputError: no modality prefix or an empty value.
    """
    name, sep, value = str(text).partition(":")
    if not sep or not name or not value:
        raise InputError(f"bad query '{text}': write MODALITY:VALUE, e.g. \"text:a dog barking\" or audio:query.wav")
    return name.strip(), value


def takes_files(spec: ModalitySpec) -> bool:
    """Whether a string item of this modality is a file path (the spec lists file types it accepts)."""
    return bool(spec.accepts)


def takes_values(spec: ModalitySpec) -> bool:
    """Whether a string item of this modality is the value itself (a caption), never a path."""
    return bool(spec.literal)


def check_suffix(spec: ModalitySpec, name: str, what: str) -> str:
    """The lower-case suffix of file ``name`` if ``spec`` reads that type.

    Raises:
        InputError: the modality takes no files, or not this type.
    """
    if not takes_files(spec):
        raise InputError(f"'{spec.name}' takes values, not files: send the value itself", what)
    suffix = os.path.splitext(str(name))[1].lower()
    if suffix not in spec.accepts:
        raise InputError(f"'{suffix or 'no suffix'}' is not a file type '{spec.name}' reads "
                         f"(accepted: {', '.join(spec.accepts)})", what)
    return suffix


def local_item(spec: ModalitySpec, value: Any) -> Any:
    """A query value read on this machine: a file path checked for type and existence, or the value itself.

    Raises:
        InputError: an unreadable file type, or a missing file.
    """
    if not takes_files(spec) or not isinstance(value, (str, os.PathLike)):
        return value
    check_suffix(spec, value, str(value))
    if not os.path.isfile(value):
        raise InputError("file not found", str(value))
    return value
