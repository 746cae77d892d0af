"""Small value helpers shared by the diff modules: formatting, hashing, JSON pointers."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def fmt(value: Any) -> str:
    """A value as it reads in a message (strings quoted)."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def fmt_values(values: Iterable[Any]) -> str:
    """Several values, comma separated."""
    return ", ".join(fmt(v) for v in values)


def sorted_values(values: Iterable[Any]) -> list[Any]:
    """Values of any JSON type in a deterministic order."""
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def canonical(value: Any) -> str:
    """Deterministic JSON text of a value (keys sorted), the identity of a subschema."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return repr(value)


def hashable(value: Any) -> Any:
    """A hashable stand-in for a JSON value (lists → tuples, objects → sorted pairs)."""
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), hashable(v)) for k, v in value.items()))
    return value


def number(value: Any) -> float | None:
    """A JSON number as float; None for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def pointer(token: Any) -> str:
    """Escape one JSON pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unpointer(token: str) -> str:
    """Unescape one JSON pointer token."""
    return token.replace("~1", "/").replace("~0", "~")


def is_multiple(x: float, y: float) -> bool:
    """Whether ``x`` is an integer multiple of ``y``."""
    ratio = x / y
    return math.isclose(ratio, round(ratio), rel_tol=1e-9, abs_tol=1e-9)
