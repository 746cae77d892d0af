"""What the plugin writes to the registry: one frozen payload per kind of write.

Each payload's :meth:`to_row` returns the dict the batch macro receives, keyed by the
registry table's own column names (``changes_json``, ``schema_json`` …) with JSON already
as canonical text, so the macros read exactly one name per field. Pure: imports nothing
from dbt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tessera_dbt.core.contract import canonical_json
from tessera_dbt.core.vocab import INITIAL_STATUS, ProposalStatus, Verdict

JSONValue = Any


def json_text(value: JSONValue) -> str | None:
    """A JSON field as the registry stores it: canonical text (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    return canonical_json(value)


# Python-side names of JSON fields -> the column that stores them. Callers that hand the
# registry client plain dicts may use either; the client turns them into column names
# before any macro sees them.
JSON_COLUMNS: Mapping[str, str] = {
    "changes": "changes_json",
    "schema": "schema_json",
    "guarantees": "guarantees_json",
    "details": "details_json",
    "columns": "columns_json",
}


def column_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A plain dict keyed by column names, JSON fields as text (see :data:`JSON_COLUMNS`)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        column = JSON_COLUMNS.get(key, key)
        out[column] = json_text(value) if column.endswith("_json") else value
    return out


@dataclass(frozen=True)
class AssetWrite:
    """A row of ``tessera_assets`` (``tessera.upsert_assets``)."""

    asset_id: str
    project_name: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    owner_team: str | None = None
    compatibility: str | None = None
    guarantee_mode: str | None = None
    relation_name: str | None = None
    materialization: str | None = None
    deprecation_date: str | None = None
    latest_version: str | None = None
    deleted_at: datetime | None = None

    def to_row(self) -> dict[str, Any]:
        """The row for ``tessera.upsert_assets`` (``deleted_at`` only when set)."""
        row: dict[str, Any] = {
            "asset_id": self.asset_id,
            "project_name": self.project_name,
            "model_name": self.model_name,
            "model_version": self.model_version,
            "owner_team": self.owner_team,
            "compatibility": self.compatibility,
            "guarantee_mode": self.guarantee_mode,
            "relation_name": self.relation_name,
            "materialization": self.materialization,
            "deprecation_date": self.deprecation_date,
            "latest_version": self.latest_version,
        }
        if self.deleted_at is not None:
            row["deleted_at"] = self.deleted_at
        return row


@dataclass(frozen=True)
class CheckWrite:
    """A row of ``tessera_checks`` for one evaluated asset (``tessera.write_checks``).

    ``next_version`` set and a verdict other than ``blocked`` make it a publish candidate.
    """

    asset_id: str
    verdict: Verdict
    fingerprint: str | None = None
    model_name: str | None = None
    message: str | None = None
    changes: Sequence[Mapping[str, Any]] = ()
    schema: Mapping[str, Any] | None = None
    guarantees: Mapping[str, Any] | None = None
    base_version: str | None = None
    next_version: str | None = None
    bump: str | None = None
    proposal_id: str | None = None
    blocks_all: bool = False
    details: Mapping[str, Any] = field(default_factory=dict)
    # The modes the project declares (published with the contract).
    compatibility: str | None = None
    guarantee_mode: str | None = None

    def to_row(self) -> dict[str, Any]:
        """The row for ``tessera.write_checks``."""
        return {
            "asset_id": self.asset_id,
            "model_name": self.model_name,
            "fingerprint": self.fingerprint,
            "verdict": self.verdict,
            "message": self.message,
            "changes_json": json_text(list(self.changes)),
            "schema_json": json_text(self.schema),
            "guarantees_json": json_text(self.guarantees),
            "base_version": self.base_version,
            "next_version": self.next_version,
            "bump": self.bump,
            "proposal_id": self.proposal_id,
            "blocks_all": self.blocks_all,
            "details_json": json_text(dict(self.details)),
            "compatibility": self.compatibility,
            "guarantee_mode": self.guarantee_mode,
        }


@dataclass(frozen=True)
class ProposalTeamWrite:
    """A row of ``tessera_proposal_teams``: a team a new proposal affects, and why."""

    team: str
    reason: str | None = None

    def to_row(self) -> dict[str, Any]:
        """The team entry of a ``tessera.open_proposals`` row."""
        return {"team": self.team, "reason": self.reason}


@dataclass(frozen=True)
class ProposalWrite:
    """A new row of ``tessera_proposals`` with its affected teams (``tessera.open_proposals``)."""

    asset_id: str
    fingerprint: str | None
    base_version: str | None
    proposal_id: str | None = None
    model_name: str | None = None
    next_version: str | None = None
    status: ProposalStatus = INITIAL_STATUS
    changes: Sequence[Mapping[str, Any]] = ()
    schema: Mapping[str, Any] | None = None
    guarantees: Mapping[str, Any] | None = None
    created_by: str | None = None
    teams: tuple[ProposalTeamWrite, ...] = ()
    deadline: str | None = None

    def to_row(self) -> dict[str, Any]:
        """The row for ``tessera.open_proposals``."""
        return {
            "proposal_id": self.proposal_id,
            "asset_id": self.asset_id,
            "model_name": self.model_name,
            "status": self.status,
            "base_version": self.base_version,
            "next_version": self.next_version,
            "fingerprint": self.fingerprint,
            "changes_json": json_text(list(self.changes)),
            "schema_json": json_text(self.schema),
            "guarantees_json": json_text(self.guarantees),
            "created_by": self.created_by,
            "teams": [t.to_row() for t in self.teams],
            "deadline": self.deadline,
        }


@dataclass(frozen=True)
class EventWrite:
    """A row of ``tessera_audit_log`` the plugin appends (``tessera.record_events``)."""

    action: str
    entity_type: str
    entity_id: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """The event for ``tessera.record_events`` (``details`` is serialized by the macro)."""
        return {
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "details": dict(self.details),
        }
