"""Contract × contract → list of :class:`~tessera_dbt.core.contract.Change`. Pure: no dbt import.

The diff describes *what* changed and its :data:`~tessera_dbt.core.contract.Effect` on the set
of rows a consumer can see; :mod:`tessera_dbt.core.policy` decides what is breaking under a
mode. Every change kind is listed in :data:`KINDS` and documented in
``docs/compatibility.md``.

Modules: :mod:`.kinds` (the change kinds), :mod:`.engine` (the schema walk),
:mod:`.shapes` (normalization of booleans, nullability and combinators), :mod:`.refs`
(``$ref`` resolution), :mod:`.guarantees` (guarantees), :mod:`.values` (helpers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tessera_dbt.core.contract import Change, Contract
from tessera_dbt.core.diff.engine import Differ
from tessera_dbt.core.diff.kinds import INVERSE_KINDS, KINDS

__all__ = [
    "INVERSE_KINDS",
    "KINDS",
    "diff_contracts",
    "diff_documents",
    "diff_schemas",
    "is_contract_document",
    "split_document",
]


def is_contract_document(doc: Any) -> bool:
    """Whether ``doc`` is a contract document ``{"schema": {...}, "guarantees": {...}}``."""
    return (
        isinstance(doc, (dict, Mapping))
        and isinstance(doc.get("schema"), (dict, Mapping))
        and "properties" not in doc
        and "type" not in doc
    )


def split_document(doc: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """``(schema, guarantees)`` of a contract document; ``(schema, None)`` for a bare schema."""
    if isinstance(doc, Contract):
        return doc.schema, doc.guarantees
    if not isinstance(doc, (dict, Mapping)):
        raise TypeError(f"a contract or JSON Schema must be an object, not {type(doc).__name__}")
    if is_contract_document(doc):
        guarantees = doc.get("guarantees")
        return _as_dict(doc["schema"]), _as_dict(guarantees) if isinstance(
            guarantees, Mapping
        ) else {}
    return _as_dict(doc), None


def _as_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return value if isinstance(value, dict) else dict(value)


def diff_documents(old: Any, new: Any) -> list[Change]:
    """Diff two inputs of ``tessera diff``: bare JSON Schemas or contract documents.

    Two contract documents are judged whole (schema, model facts and guarantees); when
    either side is a bare JSON Schema only the schemas are compared.
    """
    old_schema, old_guarantees = split_document(old)
    new_schema, new_guarantees = split_document(new)
    if old_guarantees is None or new_guarantees is None:
        return diff_schemas(old_schema, new_schema)
    return Differ(old_schema, new_schema, old_guarantees, new_guarantees).run()


def diff_contracts(
    old: Contract | Mapping[str, Any], new: Contract | Mapping[str, Any]
) -> list[Change]:
    """Whole-contract diff of two contract documents (or :class:`Contract` values).

    A missing ``guarantees`` counts as no guarantees; a bare schema is accepted too.
    """
    old_schema, old_guarantees = split_document(old)
    new_schema, new_guarantees = split_document(new)
    return Differ(old_schema, new_schema, old_guarantees or {}, new_guarantees or {}).run()


def diff_schemas(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Diff two JSON Schemas (columns, types, bounds, nested members, model facts)."""
    return Differ(dict(old), dict(new), None, None).run()
