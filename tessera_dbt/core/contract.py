"""Contract value types shared by every layer. Pure: imports nothing from dbt.

A contract is two JSON documents, stored as text in ``tessera_contracts``:

``schema`` (JSON Schema draft 2020-12)::

    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "properties": {
        "customer_id": {"type": "integer", "format": "int32", "x-dbt-data-type": "integer"},
        "status": {"type": "string", "maxLength": 20, "enum": ["active", "churned"],
                   "x-dbt-data-type": "varchar(20)", "description": "..."}
      },
      "required": ["customer_id"],                 # not-null columns (constraint or test)
      "x-tessera-column-order": ["customer_id", "status"],
      "x-dbt-materialization": "table",
      "x-dbt-contract-enforced": true
    }

``guarantees`` (a dict keyed by a stable guarantee key, see :func:`guarantee_key`)::

    {
      "not_null:customer_id": {"kind": "not_null", "column": "customer_id",
                                "constraint": true, "tested": false, "enforced": true},
      "accepted_values:status": {"kind": "accepted_values", "column": "status",
                                  "constraint": false, "tested": true, "enforced": false,
                                  "args": {"values": ["active", "churned"]}},
      "primary_key:(customer_id)": {"kind": "primary_key", "column": null,
                                     "columns": ["customer_id"], "constraint": true, ...},
      "freshness": {"kind": "freshness", "column": null, "args": {...}},
      "volume": {"kind": "volume", "column": null, "args": {"min_rows": 1000}},
      "test:my_test:status": {"kind": "test", "name": "my_test", "column": "status",
                              "tested": true, "args": {...}}
    }

``constraint`` means declared as a dbt constraint, ``tested`` as a data test, ``enforced``
that the warehouse enforces it for this adapter and materialization.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

JSON = Any
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Mode = Literal[
    "backward",
    "forward",
    "full",
    "none",
    "backward_transitive",
    "forward_transitive",
    "full_transitive",
]
MODES: tuple[Mode, ...] = get_args(Mode)
GuaranteeMode = Literal["notify", "strict", "ignore"]
GUARANTEE_MODES: tuple[GuaranteeMode, ...] = get_args(GuaranteeMode)

# What a change does to the set of data a consumer can see. The policy maps effect x mode
# to a verdict; the diff never decides "breaking" on its own.
Effect = Literal[
    "narrowing",  # breaking under backward/full (column removed, type narrowed, required added)
    "widening",  # breaking under forward/full (column added, type widened, required dropped)
    "incompatible",  # breaking in every mode but none (varchar -> integer, required column added)
    "constraint_relaxed",  # enforced constraint removed/relaxed: breaking in every mode but none
    "guarantee_relaxed",  # data test / freshness / volume removed or relaxed: guarantee_mode
    "guarantee_tightened",  # guarantee added or tightened: info
    "neutral",  # description, column order, ...: info, patch
]
EFFECTS: tuple[Effect, ...] = get_args(Effect)
Severity = Literal["breaking", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
Bump = Literal["major", "minor", "patch", "none"]
BUMPS: tuple[Bump, ...] = get_args(Bump)


@dataclass(frozen=True)
class Change:
    """One difference between two contracts.

    ``kind`` is stable (documented in docs/compatibility.md); ``path`` is JSON-pointer-like
    (``/properties/status/maxLength``, ``/guarantees/not_null:status``); ``column`` names
    the top-level column touched, if any (used for column-level consumer impact);
    ``additive`` marks changes that add or widen (a semver minor when not breaking).
    """

    kind: str
    path: str
    message: str
    effect: str
    column: str | None = None
    additive: bool = False
    old: JSON = None
    new: JSON = None

    def to_dict(self) -> dict[str, JSON]:
        """Serialize for JSON output and the registry's ``changes_json``."""
        return {
            "kind": self.kind,
            "path": self.path,
            "message": self.message,
            "effect": self.effect,
            "column": self.column,
            "additive": self.additive,
            "old": self.old,
            "new": self.new,
        }

    @classmethod
    def from_dict(cls, data: dict[str, JSON]) -> Change:
        """Inverse of :meth:`to_dict`."""
        return cls(
            kind=str(data["kind"]),
            path=str(data["path"]),
            message=str(data["message"]),
            effect=str(data["effect"]),
            column=data.get("column"),
            additive=bool(data.get("additive", False)),
            old=data.get("old"),
            new=data.get("new"),
        )


@dataclass(frozen=True)
class Contract:
    """A model's contract: its JSON Schema plus guarantees, and who it belongs to."""

    asset_id: str
    schema: dict[str, JSON]
    guarantees: dict[str, JSON] = field(default_factory=dict)

    def document(self) -> dict[str, JSON]:
        """The contract document ``{"schema": ..., "guarantees": ...}``."""
        return {"schema": self.schema, "guarantees": self.guarantees}

    @property
    def fingerprint(self) -> str:
        """sha256 of the canonical document; insensitive to key and column order."""
        return fingerprint(self.schema, self.guarantees)

    @property
    def columns(self) -> list[str]:
        """Column names in declared order."""
        order = self.schema.get("x-tessera-column-order")
        if isinstance(order, list):
            return [str(c) for c in order]
        return [str(c) for c in (self.schema.get("properties") or {})]


def canonical_json(value: JSON) -> str:
    """Deterministic JSON: sorted keys, no insignificant whitespace, unicode kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Keys whose value is a set, not a sequence: sorted before fingerprinting.
_SET_KEYS = frozenset({"required", "enum", "x-tessera-column-order", "columns", "values"})


def _normalize_for_fingerprint(value: JSON, key: str | None = None) -> JSON:
    if isinstance(value, dict):
        return {k: _normalize_for_fingerprint(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normalize_for_fingerprint(v) for v in value]
        if key in _SET_KEYS:
            return sorted(items, key=canonical_json)
        return items
    return value


def fingerprint(schema: dict[str, JSON], guarantees: dict[str, JSON] | None = None) -> str:
    """Fingerprint of a contract document, ignoring key order and column order."""
    doc = {"schema": schema, "guarantees": guarantees or {}}
    payload = canonical_json(_normalize_for_fingerprint(doc))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def guarantee_key(kind: str, column: str | None = None, discriminator: str | None = None) -> str:
    """Stable key of a guarantee inside ``guarantees``: ``kind[:column][:discriminator]``."""
    parts = [kind]
    if column is not None:
        parts.append(column)
    if discriminator:
        parts.append(discriminator)
    return ":".join(parts)


@dataclass(frozen=True)
class Version:
    """Semantic version ``MAJOR.MINOR.PATCH`` of a published contract."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``"1.2.3"``; raises ValueError on anything else."""
        parts = text.strip().split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"not a MAJOR.MINOR.PATCH version: {text!r}")
        return cls(int(parts[0]), int(parts[1]), int(parts[2]))

    def bump(self, kind: str) -> Version:
        """The next version for a ``major``/``minor``/``patch`` bump (``none`` keeps it)."""
        if kind == "major":
            return Version(self.major + 1, 0, 0)
        if kind == "minor":
            return Version(self.major, self.minor + 1, 0)
        if kind == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        return self

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


FIRST_VERSION = Version(1, 0, 0)
