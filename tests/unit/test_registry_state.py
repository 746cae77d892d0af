"""parse_state: the rows load_state returns, turned into typed registry state (no dbt)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tessera_dbt.core.contract import Version
from tessera_dbt.plugin.registry import RegistryState, parse_state

CATALOG = ["kind", *(f"s{i}" for i in range(1, 11)), "t1", "t2", "t3", "n1"]
PROPOSALS = ["kind", *(f"s{i}" for i in range(1, 12)), "t1", "t2", "t3"]
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
                _row(CATALOG, kind="team", s1="core", s2="Core", s3="manual", t1=when),
                _row(CATALOG, kind="team", s1="old", t1=when, t2="2024-05-02 10:00:00.5"),
                _row(CATALOG, kind="member", s1="core", s2="alice", s3="admin", t1=when),
                _row(
                    CATALOG,
                    kind="asset",
                    s1="model.p.orders",
                    s2="p",
                    s3="orders",
                    s5="core",
                    s6="backward",
                    t1=when,
                ),
                _row(
                    CATALOG,
                    kind="registration",
                    s1="model.p.orders",
                    s2="growth",
                    s3="manual",
                    s4='["status"]',
                    s5="note",
                    n1=Decimal("1"),
                    t1=when,
                ),
                _row(CATALOG, kind="registration", s1="model.p.orders", s2="bi", s3="exposure"),
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
                    s1="orders-1",
                    s2="model.p.orders",
                    s3="pending",
                    s4="2.0.0",
                    s5="3.0.0",
                    s7='[{"column": "status"}, 5]',
                    t1=when,
                ),
                _row(PROPOSALS, kind="proposal_team", s1="orders-1", s2="growth", s3="uses status"),
                _row(PROPOSALS, kind="proposal_team", s1="orders-1", s2="bi"),
                _row(PROPOSALS, kind="proposal_team", s1="orders-1", s2="ops"),
                _row(
                    PROPOSALS,
                    kind="acknowledgement",
                    s1="orders-1",
                    s2="growth",
                    s3="migrating",
                    s6="b",
                    t1="2024-05-03 09:00:00.123",
                ),
                _row(
                    PROPOSALS,
                    kind="acknowledgement",
                    s1="orders-1",
                    s2="growth",
                    s3="blocked",
                    s6="a",
                    t1=datetime(2024, 5, 2),
                ),
                _row(
                    PROPOSALS,
                    kind="acknowledgement",
                    s1="orders-1",
                    s2="bi",
                    s3="blocked",
                    t1=datetime(2024, 5, 2),
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
