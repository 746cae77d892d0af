"""The consumer's side in the pure core: select * into a contract, and what a team owes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tessera_dbt.core.consumers import DerivedRegistration, owed_answers, render_owed
from tessera_dbt.core.gate import (
    Answer,
    Decision,
    GateResult,
    Registration,
    RegistryView,
    stale_registrations,
    star_affected,
)
from tessera_dbt.core.lineage import selects_star


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select * from orders", True),
        ("select o.* from orders o join x on true", True),
        ("with a as (select * from orders) select * from a", True),
        ("select * from (select * from orders) s", True),
        ("select id, * from orders", True),
        ("with a as (select * from orders) select id from a", False),
        ("select id from orders", False),
        ("select x.* from orders o join x on true", False),
        ("select * from other", False),
        ("not sql at all (", False),
    ],
)
def test_select_star_passes_every_column_of_the_relation_on(sql: str, expected: bool) -> None:
    assert selects_star(sql, "orders") is expected


def test_an_added_column_breaks_only_the_select_star_consumers() -> None:
    changes: list[dict[str, Any]] = [
        {"kind": "column_added", "column": "channel", "message": "column channel was added"}
    ]
    regs = [
        Registration("analytics", "ref", star_refs=("model.analytics.copy",)),
        Registration("finance", "exposure"),
        Registration("core", "ref", star_refs=("model.shop.own",)),  # the owner
    ]
    teams = star_affected(regs, "core", changes, "orders")
    assert list(teams) == ["analytics"]
    assert "select(s) * from orders into an enforced contract" in teams["analytics"]
    assert changes[0]["breaking"] is True and "select *" in changes[0]["message"]
    assert star_affected(regs, "core", [{"kind": "column_removed"}], "orders") == {}


@dataclass
class _Proposal:
    proposal_id: str
    asset_id: str
    status: str
    affected_teams: tuple[str, ...]
    changes: tuple[dict[str, Any], ...]
    answers: dict[str, Answer] = field(default_factory=dict)
    deadline: str | None = None


def test_a_consumer_project_owes_answers_to_open_proposals_on_what_it_reads() -> None:
    derived = [
        DerivedRegistration(
            "model.shop.orders", "analytics", "ref", ("order_id", "status"), ("model.a.report",)
        )
    ]
    change = {"breaking": True, "column": "status", "message": "column status was removed"}
    proposals = [
        _Proposal("orders-1", "model.shop.orders", "pending", ("analytics", "finance"), (change,)),
        _Proposal(
            "orders-2",
            "model.shop.orders",
            "pending",
            ("analytics",),
            (change,),
            {"analytics": Answer("analytics", "approved")},
        ),
        _Proposal("orders-3", "model.shop.orders", "withdrawn", ("analytics",), (change,)),
    ]
    owed = owed_answers(derived, proposals, {"analytics"})
    assert [(o.proposal_id, o.team, o.readers) for o in owed] == [
        ("orders-1", "analytics", (("model.a.report", ("status",)),))
    ]
    text = render_owed(owed)
    assert "tessera proposal acknowledge orders-1 --team analytics" in text
    assert "changed columns it reads: status" in text
    assert owed_answers(derived, proposals, {"marketing"}) == []
    assert render_owed([]) == ""


def test_a_shipping_removal_warns_about_registrations_that_still_list_the_column() -> None:
    d = Decision("model.shop.orders", "orders", "approved", "fp", next_version="2.0.0")
    d.changes = [{"kind": "column_removed", "column": "status", "breaking": True}]
    view = RegistryView(
        registrations={
            "model.shop.orders": [
                Registration("growth", columns=("status", "id")),
                Registration("finance", "exposure"),
                Registration("bi", columns=("id",)),
            ]
        }
    )
    [line] = stale_registrations(GateResult(decisions=[d]), view)
    assert "team growth's manual registration on orders lists column(s) status" in line
    assert "2.0.0" in line and "tessera register orders --team growth" in line
    d.verdict = "blocked"
    assert stale_registrations(GateResult(decisions=[d]), view) == []


def test_cli_says_what_tessera_check_says_when_the_package_is_missing() -> None:
    from tessera_dbt.cli.dbt_runner import MISSING_PACKAGE, explain_failure

    assert explain_failure('Compilation Error: could not find a macro "status"') == (
        MISSING_PACKAGE
    )
    assert "packages.yml" in MISSING_PACKAGE and "dbt deps" in MISSING_PACKAGE
    assert explain_failure("tessera.status: model = x is not a model") == (
        "tessera.status: model = x is not a model"
    )
