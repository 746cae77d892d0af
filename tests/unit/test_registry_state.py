"""parse_state: the rows load_state returns, turned into typed registry state (no dbt)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tessera_dbt.core.contract import Version
from tessera_dbt.plugin.registry import RegistryState, parse_state

# The tagged unions of load_state: kind plus the tables' own column names.
CATALOG = [
    "kind",
    "name",
    "description",
    "source",
    "created_at",
    "deleted_at",
    "team",
    "principal",
    "role",
    "asset_id",
    "project_name",
    "model_name",
    "model_version",
    "owner_team",
    "compatibility",
    "guarantee_mode",
    "relation_name",
    "materialization",
    "deprecation_date",
    "updated_at",
    "columns_json",
    "pinned_major",
    "note",
    "source_ref",
]
PROPOSALS = [
    "kind",
    "proposal_id",
    "asset_id",
    "status",
    "base_version",
    "next_version",
    "fingerprint",
    "changes_json",
    "created_by",
    "invocation_id",
    "resolved_by",
    "resolution_note",
    "created_at",
    "updated_at",
    "resolved_at",
    "team",
    "reason",
    "added_at",
    "response",
    "note",
    "acknowledged_by",
    "ack_id",
    "acknowledged_at",
]
CONTRACTS = [
    "asset_id",
    "version",
    "major",
    "minor",
    "patch",
    "schema_json",
    "guarantees_json",
    "fingerprint",
    "bump",
    "published_at",
    "published_by",
    "proposal_id",
]


def _row(columns: list[str], **values: Any) -> list[Any]:
    return [values.get(c) for c in columns]


def _state() -> RegistryState:
    when = datetime(2024, 5, 1, 12, 0, 0)
    raw = {
        "catalog": {
            "columns": [c.upper() for c in CATALOG],  # some adapters shout
            "rows": [
                _row(
                    CATALOG,
                    kind="team",
                    name="core",
                    description="Core",
                    source="manual",
                    created_at=when,
                ),
                _row(
                    CATALOG,
                    kind="team",
                    name="old",
                    created_at=when,
                    deleted_at="2024-05-02 10:00:00.5",
                ),
                _row(
                    CATALOG,
                    kind="member",
                    team="core",
                    principal="alice",
                    role="admin",
                    created_at=when,
                ),
                _row(
                    CATALOG,
                    kind="asset",
                    asset_id="model.p.orders",
                    project_name="p",
                    model_name="orders",
                    owner_team="core",
                    compatibility="backward",
                    created_at=when,
                ),
                _row(
                    CATALOG,
                    kind="registration",
                    asset_id="model.p.orders",
                    team="growth",
                    source="manual",
                    columns_json='["status"]',
                    note="note",
                    pinned_major=Decimal("1"),
                    created_at=when,
                ),
                _row(
                    CATALOG,
                    kind="registration",
                    asset_id="model.p.orders",
                    team="bi",
                    source="exposure",
                ),
            ],
        },
        "contracts": {
            "columns": CONTRACTS,
            "rows": [
                _row(
                    CONTRACTS,
                    asset_id="model.p.orders",
                    version=v,
                    schema_json='{"type": "object"}',
                    guarantees_json=None,
                    fingerprint=f"fp{v}",
                    published_at=when,
                )
                for v in ("1.10.0", "1.9.0", "2.0.0")
            ],
        },
        "proposals": {
            "columns": PROPOSALS,
            "rows": [
                _row(
                    PROPOSALS,
                    kind="proposal",
                    proposal_id="orders-1",
                    asset_id="model.p.orders",
                    status="pending",
                    base_version="2.0.0",
                    next_version="3.0.0",
                    changes_json='[{"column": "status"}, 5]',
                    created_at=when,
                ),
                _row(
                    PROPOSALS,
                    kind="proposal_team",
                    proposal_id="orders-1",
                    team="growth",
                    reason="uses status",
                ),
                _row(PROPOSALS, kind="proposal_team", proposal_id="orders-1", team="bi"),
                _row(PROPOSALS, kind="proposal_team", proposal_id="orders-1", team="ops"),
                _row(
                    PROPOSALS,
                    kind="acknowledgement",
                    proposal_id="orders-1",
                    team="growth",
                    response="migrating",
                    ack_id="b",
                    acknowledged_at="2024-05-03 09:00:00.123",
                ),
                _row(
                    PROPOSALS,
                    kind="acknowledgement",
                    proposal_id="orders-1",
                    team="growth",
                    response="blocked",
                    ack_id="a",
                    acknowledged_at=datetime(2024, 5, 2),
                ),
                _row(
                    PROPOSALS,
                    kind="acknowledgement",
                    proposal_id="orders-1",
                    team="bi",
                    response="blocked",
                    acknowledged_at=datetime(2024, 5, 2),
                ),
            ],
        },
    }
    return parse_state(raw)


def test_teams_members_assets_and_registrations_are_typed() -> None:
    state = _state()
    assert state.team_exists("core") and not state.team_exists("old")
    assert state.teams["old"].deleted_at == datetime(2024, 5, 2, 10, 0, 0, 500000)
    assert state.role_of("core", "alice") == "admin" and state.role_of("core", "bob") is None
    assert state.assets["model.p.orders"].owner_team == "core"
    regs = state.registrations_for("model.p.orders")
    assert [(r.team, r.columns, r.pinned_major) for r in regs] == [
        ("growth", ("status",), 1),
        ("bi", None, None),
    ]
    assert isinstance(regs[0].pinned_major, int)


def test_contract_versions_are_ordered_semantically() -> None:
    state = _state()
    assert [c.version for c in state.versions("model.p.orders")] == ["1.9.0", "1.10.0", "2.0.0"]
    latest = state.latest("model.p.orders")
    assert latest is not None and latest.semver == Version(2, 0, 0)
    assert latest.guarantees == {} and latest.to_contract().schema == {"type": "object"}
    assert state.latest("model.p.nothing") is None


def test_proposals_carry_teams_and_latest_answers() -> None:
    state = _state()
    (proposal,) = state.proposals_for("model.p.orders")
    assert proposal.affected_teams == ("bi", "growth", "ops")
    assert proposal.answers["growth"].response == "migrating"  # the later answer counts
    assert proposal.blocked_by == ("bi",)
    assert proposal.waiting_for == ("ops",)
    assert not proposal.agreed and proposal.is_open
    assert proposal.changes == ({"column": "status"},)
    assert state.proposal("orders-1") is proposal
    assert state.proposals_for("model.p.orders", statuses=("forced",)) == ()
