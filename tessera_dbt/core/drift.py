"""Drift: a live relation whose columns differ from its latest published contract. Pure.

A producer with write grants can always change a table outside the gate (a run without the
plugin, fail-open, a registry pointed elsewhere, a table replaced by hand). The next gated
run reads the live columns of every asset's relation in one catalog query and compares
them with the latest published contract: missing columns, extra columns, and columns whose
type family (JSON type and format) changed. Sizes are not compared: warehouses report them
inconsistently (DuckDB ignores varchar lengths altogether).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.core.types import column_schema


@dataclass(frozen=True)
class Drift:
    """One relation that differs from its latest published contract."""

    asset_id: str
    name: str
    version: str
    relation: str
    differences: tuple[str, ...] = field(default_factory=tuple)

    def line(self) -> str:
        """The one line the gate prints for it."""
        return (
            f"Tessera: drift: {self.name} ({self.relation}) differs from its published "
            f"contract {self.version}: {'; '.join(self.differences)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """For the report, the audit row and webhooks."""
        return {
            "asset_id": self.asset_id,
            "model": self.name,
            "version": self.version,
            "relation": self.relation,
            "differences": list(self.differences),
        }


def _family(fragment: Mapping[str, Any]) -> tuple[str, ...] | None:
    """(JSON type[, format]) of a column fragment; None when the type is not known."""
    raw = fragment.get("type")
    types = [raw] if isinstance(raw, str) else [t for t in raw or [] if isinstance(t, str)]
    types = [t for t in types if t != "null"]
    if len(types) != 1:
        return None
    fmt = fragment.get("format")
    return (types[0], str(fmt)) if isinstance(fmt, str) else (types[0],)


def _same_family(published: tuple[str, ...] | None, live: tuple[str, ...] | None) -> bool:
    if published is None or live is None:
        return True  # an unknown type on either side is not evidence of drift
    if published[0] != live[0]:
        return False
    if len(published) == 2 and len(live) == 2:
        return published[1] == live[1]
    return True


def _describe(family: tuple[str, ...] | None) -> str:
    if family is None:
        return "unknown"
    return family[0] if len(family) == 1 else f"{family[0]} ({family[1]})"


def compare_relation(
    schema: Mapping[str, Any], live: Sequence[tuple[str, str]], adapter_type: str | None
) -> list[str]:
    """What differs between a published schema and a relation's live (column, data_type)."""
    props: Mapping[str, Any] = schema.get("properties") or {}
    published = {str(name).lower(): frag for name, frag in props.items()}
    found = {name.lower(): dtype for name, dtype in live}
    out: list[str] = []
    for name in sorted(published):
        if name not in found:
            out.append(f"column {name} is missing")
            continue
        want = _family(published[name])
        have = _family(column_schema(found[name], adapter_type))
        if not _same_family(want, have):
            out.append(
                f"column {name} is {found[name]} ({_describe(have)}), the contract says {_describe(want)}"
            )
    for name in sorted(set(found) - set(published)):
        out.append(f"column {name} is not in the contract")
    return out


def detect_drift(
    published: Mapping[str, tuple[str, Mapping[str, Any]]],
    relations: Mapping[str, tuple[str, str]],
    live: Mapping[str, Sequence[tuple[str, str]]],
    adapter_type: str | None = None,
) -> list[Drift]:
    """Drift of every asset with a published version and a live relation.

    ``published``: asset_id -> (version, schema); ``relations``: asset_id -> (name shown,
    relation shown); ``live``: asset_id -> [(column, data_type)] (absent: the relation does
    not exist in this target, which is not drift).
    """
    out: list[Drift] = []
    for asset_id in sorted(published):
        columns = live.get(asset_id)
        if not columns or asset_id not in relations:
            continue
        version, schema = published[asset_id]
        differences = compare_relation(schema, columns, adapter_type)
        if differences:
            name, relation = relations[asset_id]
            out.append(Drift(asset_id, name, version, relation, tuple(differences)))
    return out
