"""Pydantic validation with errors that name the dotted path and suggest the nearest valid key."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bindcore.errors import ConfigError
from bindcore.registry import did_you_mean

M = TypeVar("M", bound=BaseModel)


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names valid at ``loc`` (the parent of an unknown key), if the path is a plain nesting."""
    current: Any = model
    for part in loc:
        field = getattr(current, "model_fields", {}).get(part) if isinstance(part, str) else None
        annotation = getattr(field, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            current = annotation
        else:
            return []
    return list(getattr(current, "model_fields", {}))


def validate(model: type[M], data: Any, where: str = "") -> M:
    """Validates ``data`` as ``model``.

    Args:
        model: the pydantic class.
        data: a mapping (from YAML, JSON or keyword arguments).
        where: the dotted prefix of ``data`` in the whole config (for messages), e.g. "model.modalities.audio".

    Raises:
        ConfigError: one line per problem: the dotted path, what is wrong, and a suggestion for unknown keys.
    """
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            path = ".".join(str(p) for p in ((where,) if where else ()) + loc)
            if err["type"] == "extra_forbidden":
                hint = did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]))
                lines.append(f"{path}: unknown key{hint}")
            else:
                lines.append(f"{path or '(top level)'}: {err['msg']} (got {err.get('input')!r})"[:300])
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
