"""Guarantees of two contract documents → changes (not_null, unique, tests, freshness, …).

Pure: no dbt import. A guarantee holds at one of three levels (enforced by the warehouse,
tested, declared); removing or relaxing one is judged by ``guarantee_mode`` in the policy,
except an enforced constraint, which is ``constraint_relaxed`` in every mode but none.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, filterfalse
from operator import ne
from typing import Any, Protocol

from tessera_dbt.core.diff.values import fmt, fmt_values, hashable, number, pointer, sorted_values


class Emit(Protocol):
    """The differ's ``emit``: records one change."""

    def __call__(
        self,
        kind: str,
        path: str,
        message: str,
        column: str | None,
        old: Any = None,
        new: Any = None,
        effect: str | None = None,
    ) -> None: ...


def compare_guarantees(emit: Emit, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Emit one change per guarantee key that differs, in key order."""
    common = list(filter(new.__contains__, old))
    keys = list(
        compress(common, map(ne, map(old.__getitem__, common), map(new.__getitem__, common)))
    )
    keys.extend(filterfalse(new.__contains__, old))
    keys.extend(filterfalse(old.__contains__, new))
    for key in sorted(keys, key=str):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        path = f"/guarantees/{pointer(key)}"
        g = a if isinstance(a, dict) else b if isinstance(b, dict) else {}
        column = _guarantee_column(g)
        name = _guarantee_label(key, g)
        if a is None:
            emit("guarantee_added", path, f"guarantee {name} was added", column, None, b)
        elif b is None:
            if _level(a) == 2:
                emit(
                    "guarantee_removed",
                    path,
                    f"enforced constraint {name} was removed",
                    column,
                    a,
                    None,
                    "constraint_relaxed",
                )
            else:
                emit("guarantee_removed", path, f"guarantee {name} was removed", column, a, None)
        else:
            _guarantee_changed(
                emit,
                path,
                name,
                column,
                a if isinstance(a, dict) else {},
                b if isinstance(b, dict) else {},
            )


def _guarantee_changed(
    emit: Emit, path: str, name: str, column: str | None, a: dict[str, Any], b: dict[str, Any]
) -> None:
    la, lb = _level(a), _level(b)
    relaxed: list[str] = []
    tightened: list[str] = []
    if lb < la:
        relaxed.append(_LEVEL_LOSS[(la, lb)])
    elif lb > la:
        tightened.append(_LEVEL_GAIN[(la, lb)])
    args_a, args_b = a.get("args"), b.get("args")
    if args_a != args_b:
        verdict, detail = _compare_args(str(a.get("kind", "")), args_a, args_b)
        (relaxed if verdict == "relaxed" else tightened if verdict == "tightened" else []).append(
            detail
        )
    if a.get("columns") != b.get("columns") and a.get("columns") is not None:
        relaxed.append(f"columns changed from {fmt(a.get('columns'))} to {fmt(b.get('columns'))}")
    if relaxed:
        effect = "constraint_relaxed" if la == 2 else "guarantee_relaxed"
        what = "enforced constraint" if la == 2 else "guarantee"
        emit(
            "guarantee_relaxed",
            path,
            f"{what} {name} was relaxed: {'; '.join(relaxed)}",
            column,
            a,
            b,
            effect,
        )
    elif tightened:
        emit(
            "guarantee_tightened",
            path,
            f"guarantee {name} was tightened: {'; '.join(tightened)}",
            column,
            a,
            b,
        )
    else:
        emit("guarantee_changed", path, f"guarantee {name} changed", column, a, b)


def _level(g: Any) -> int:
    """How firmly a guarantee holds: 2 enforced by the warehouse, 1 tested, 0 declared only."""
    if not isinstance(g, dict):
        return 0
    if g.get("enforced"):
        return 2
    if g.get("tested") or ("tested" not in g and "constraint" not in g):
        return 1  # a meta guarantee (freshness, volume) holds as declared
    return 0


_LEVEL_LOSS = {
    (2, 1): "no longer enforced by the warehouse (still tested)",
    (2, 0): "no longer enforced nor tested",
    (1, 0): "no longer tested",
}
_LEVEL_GAIN = {
    (1, 2): "now enforced by the warehouse",
    (0, 2): "now enforced by the warehouse",
    (0, 1): "now tested",
}

_PERIOD_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
}


def _duration(value: Any) -> float | None:
    if not isinstance(value, Mapping):
        return None
    count = number(value.get("count"))
    period = str(value.get("period", "")).rstrip("s")
    if count is None or period not in _PERIOD_SECONDS:
        return None
    return count * _PERIOD_SECONDS[period]


def _compare_args(kind: str, a: Any, b: Any) -> tuple[str, str]:
    """Judge a change of a guarantee's arguments: relaxed / tightened / changed."""
    a = a if isinstance(a, Mapping) else {}
    b = b if isinstance(b, Mapping) else {}
    if kind == "accepted_values":
        va, vb = a.get("values"), b.get("values")
        if isinstance(va, list) and isinstance(vb, list):
            sa, sb = {hashable(v) for v in va}, {hashable(v) for v in vb}
            rest_a = {k: v for k, v in a.items() if k != "values"}
            rest_b = {k: v for k, v in b.items() if k != "values"}
            if sa == sb and rest_a == rest_b:
                return "changed", "values reordered"
            if sa < sb:
                added = sorted_values(v for v in vb if hashable(v) not in sa)
                return "relaxed", f"values added: {fmt_values(added)}"
            if sb < sa:
                removed = sorted_values(v for v in va if hashable(v) not in sb)
                return "tightened", f"values removed: {fmt_values(removed)}"
            return "relaxed", "accepted values changed"
    verdicts: list[str] = []
    details: list[str] = []
    for key in sorted(a.keys() | b.keys()):
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        verdict = _arg_verdict(kind, key, x, y)
        verdicts.append(verdict)
        details.append(f"{key} {verdict} from {fmt(x)} to {fmt(y)}")
    if not verdicts:
        return "changed", "arguments changed"
    if "relaxed" in verdicts or "changed" in verdicts:
        # an argument change we cannot order is treated as relaxing (worth a warning)
        return "relaxed", "; ".join(details)
    return "tightened", "; ".join(details)


def _arg_verdict(kind: str, key: str, x: Any, y: Any) -> str:
    lower = key.startswith("min") or key in ("min_rows",)
    upper = key.startswith("max") or key.endswith("_after")
    if key.endswith("_after"):
        nx, ny = _duration(x), _duration(y)
    else:
        nx, ny = number(x), number(y)
    if lower or upper:
        if x is None:
            return "tightened"
        if y is None:
            return "relaxed"
        if nx is not None and ny is not None:
            if lower:
                return "tightened" if ny > nx else "relaxed"
            return "tightened" if ny < nx else "relaxed"
    return "changed"


def _guarantee_column(g: Mapping[str, Any]) -> str | None:
    column = g.get("column")
    if isinstance(column, str):
        return column
    columns = g.get("columns")
    if isinstance(columns, list) and len(columns) == 1 and isinstance(columns[0], str):
        return columns[0]
    return None


def _guarantee_label(key: str, g: Mapping[str, Any]) -> str:
    kind = g.get("kind") or key.split(":")[0]
    if kind == "test" and g.get("name"):
        kind = f"test {g.get('name')}"
    column = g.get("column")
    columns = g.get("columns")
    if isinstance(column, str):
        return f"{kind} on {column}"
    if isinstance(columns, list) and columns:
        return f"{kind} on ({', '.join(str(c) for c in columns)})"
    return str(kind)
