"""The gate's pure decisions: verdicts, affected teams, proposals, removals, messages, diffs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tessera_dbt.core.contract import Change, fingerprint
from tessera_dbt.core.gate import (
    Answer,
    AssetInput,
    Decision,
    ProposalView,
    PublishedVersion,
    Registration,
    RegistryView,
    acknowledge_command,
    affected_teams,
    changed_columns,
    compare_documents,
    decide,
    decision_diff,
    diff_report,
    proposal_id_for,
    render_block_message,
    render_diff,
)

AID = "model.shop.orders"
BASE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "maxLength": 20},
    },
    "required": ["id"],
}
ADDED = {**BASE, "properties": {**BASE["properties"], "note": {"type": "string"}}}
REMOVED = {**BASE, "properties": {"id": {"type": "integer"}}}
NARROWED = {
    **BASE,
    "properties": {"id": {"type": "integer"}, "status": {"type": "string", "maxLength": 4}},
}
DESCRIBED = {
    **BASE,
    "properties": {**BASE["properties"], "id": {"type": "integer", "description": "key"}},
}


def fp(schema: dict[str, Any]) -> str:
    return fingerprint(schema, {})


def asset(
    schema: dict[str, Any], *, owner: str | None = "core", mode: str = "backward"
) -> AssetInput:
    return AssetInput(AID, "orders", owner, mode, "notify", schema, {}, fp(schema))


def published(*versions: tuple[str, dict[str, Any]]) -> dict[str, list[PublishedVersion]]:
    return {AID: [PublishedVersion(v, s, {}, fp(s)) for v, s in versions]}


def view(
    versions: tuple[tuple[str, dict[str, Any]], ...] = (("1.0.0", BASE),),
    regs: tuple[Registration, ...] = (),
    props: tuple[ProposalView, ...] = (),
    known: dict[str, str | None] | None = None,
) -> RegistryView:
    return RegistryView(
        published(*versions),
        {AID: list(regs)},
        {AID: list(props)},
        known if known is not None else {AID: None},
    )


def one(result: Any) -> Decision:
    assert len(result.decisions) == 1
    return result.decisions[0]


# -- verdicts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("schema", "versions", "regs", "verdict", "next_version"),
    [
        (BASE, (), (), "new", "1.0.0"),
        (BASE, (("1.0.0", BASE),), (Registration("growth"),), "unchanged", None),
        (ADDED, (("1.0.0", BASE),), (Registration("growth"),), "compatible", "1.1.0"),
        (DESCRIBED, (("1.0.0", BASE),), (Registration("growth"),), "compatible", "1.0.1"),
        (REMOVED, (("1.0.0", BASE),), (), "auto_approved", "2.0.0"),
        (REMOVED, (("1.0.0", BASE),), (Registration("core"),), "auto_approved", "2.0.0"),
        (REMOVED, (("1.0.0", BASE),), (Registration("growth"),), "blocked", "2.0.0"),
        (NARROWED, (("1.0.0", BASE),), (Registration("growth"),), "blocked", "2.0.0"),
        # the latest version is the base, whatever order the registry returns them in
        (ADDED, (("1.1.0", ADDED), ("1.0.0", BASE)), (Registration("g"),), "unchanged", None),
    ],
    ids=[
        "first",
        "unchanged",
        "additive",
        "description",
        "breaking-nobody",
        "breaking-owner-only",
        "breaking-consumer",
        "narrowed",
        "latest-first",
    ],
)
def test_verdicts(
    schema: dict[str, Any],
    versions: tuple[tuple[str, dict[str, Any]], ...],
    regs: tuple[Registration, ...],
    verdict: str,
    next_version: str | None,
) -> None:
    d = one(decide([asset(schema)], view(versions, regs)))
    assert (d.verdict, d.next_version) == (verdict, next_version)
    assert d.allowed == (verdict != "blocked")
    assert d.publishable == (verdict not in ("blocked", "unchanged"))


def test_auto_approved_is_reported() -> None:
    result = decide([asset(REMOVED)], view())
    assert result.auto_approved == [AID] and not result.new_proposals


def test_transitive_mode_judges_every_published_version() -> None:
    # 1.0.0 had status; 1.1.0 made it... still there; now a type change against 1.0.0 only.
    v100 = {**BASE, "properties": {**BASE["properties"], "x": {"type": "integer"}}}
    v200 = BASE  # x removed in 2.0.0 (published before)
    back = {**BASE, "properties": {**BASE["properties"], "x": {"type": "string"}}}
    regs = (Registration("growth"),)
    plain = one(decide([asset(back)], view((("1.0.0", v100), ("2.0.0", v200)), regs)))
    trans = one(
        decide(
            [asset(back, mode="backward_transitive")],
            view((("1.0.0", v100), ("2.0.0", v200)), regs),
        )
    )
    assert plain.verdict == "compatible"
    assert trans.verdict == "blocked"


# -- affected teams -----------------------------------------------------------------------
REMOVED_STATUS = [Change("column_removed", "/properties/status", "gone", "narrowing", "status")]
MODEL_WIDE = [Change("materialization_changed", "", "table -> view", "incompatible")]


@pytest.mark.parametrize(
    ("reg", "changes", "affected"),
    [
        (Registration("g"), REMOVED_STATUS, True),
        (Registration("g", columns=("status",)), REMOVED_STATUS, True),
        (Registration("g", columns=("id",)), REMOVED_STATUS, False),
        (Registration("g", columns=("id",)), MODEL_WIDE, True),
        (Registration("g", pinned_major=1), REMOVED_STATUS, True),
        (Registration("g", pinned_major=2), REMOVED_STATUS, False),
        (Registration("core"), REMOVED_STATUS, False),  # the owner never answers
    ],
    ids=[
        "all-columns",
        "uses-column",
        "other-column",
        "model-wide",
        "pinned-base",
        "pinned-other",
        "owner",
    ],
)
def test_affected_teams(reg: Registration, changes: list[Change], affected: bool) -> None:
    teams = affected_teams([reg], "core", changes, "1.2.0")
    assert (reg.team in teams) == affected


def test_affected_reasons_name_columns_and_source() -> None:
    teams = affected_teams(
        [Registration("g", "exposure", ("status", "id")), Registration("g", "manual")],
        "core",
        REMOVED_STATUS,
        "1.0.0",
    )
    assert teams == {"g": "exposure registration uses column(s) status"}
    assert changed_columns(MODEL_WIDE) is None
    assert changed_columns(REMOVED_STATUS) == {"status"}


def test_unaffected_consumer_means_auto_approved() -> None:
    d = one(decide([asset(REMOVED)], view(regs=(Registration("g", columns=("id",)),))))
    assert d.verdict == "auto_approved"


# -- proposals ----------------------------------------------------------------------------
def proposal(
    status: str, fp_: str = fp(REMOVED), pid: str = "orders-aaaaaa", **kw: Any
) -> ProposalView:
    return ProposalView(pid, AID, status, fp_, "1.0.0", kw.pop("teams", ("growth",)), **kw)


GROWTH = (Registration("growth"),)


def test_a_new_breaking_change_opens_one_proposal() -> None:
    result = decide([asset(REMOVED)], view(regs=GROWTH))
    d = one(result)
    assert d.proposal_id == proposal_id_for("orders", AID, fp(REMOVED))
    assert d.proposal_id.startswith("orders-") and len(d.proposal_id) == len("orders-") + 6
    [p] = result.new_proposals
    assert (p.proposal_id, p.base_version, p.teams) == (
        d.proposal_id,
        "1.0.0",
        {"growth": "manual registration on all columns"},
    )
    assert d.pending_teams == ["growth"]


def test_the_same_change_reuses_its_proposal() -> None:
    result = decide([asset(REMOVED)], view(regs=GROWTH, props=(proposal("pending"),)))
    d = one(result)
    assert (d.verdict, d.proposal_id, result.new_proposals) == ("blocked", "orders-aaaaaa", [])


def test_another_change_supersedes_the_open_proposal() -> None:
    result = decide([asset(NARROWED)], view(regs=GROWTH, props=(proposal("pending"),)))
    assert result.superseded == ["orders-aaaaaa"]
    assert one(result).proposal_id != "orders-aaaaaa" and len(result.new_proposals) == 1


@pytest.mark.parametrize("status", ["withdrawn", "superseded"])
def test_a_closed_proposal_is_not_reused(status: str) -> None:
    pid = proposal_id_for("orders", AID, fp(REMOVED))
    result = decide([asset(REMOVED)], view(regs=GROWTH, props=(proposal(status, pid=pid),)))
    d = one(result)
    assert d.verdict == "blocked" and d.proposal_id != pid
    assert [p.proposal_id for p in result.new_proposals] == [d.proposal_id]
    assert result.superseded == []


@pytest.mark.parametrize(
    ("answers", "verdict", "pending", "notes"),
    [
        ({}, "blocked", ["growth"], {}),
        ({"growth": Answer("growth", "approved")}, "approved", [], {}),
        ({"growth": Answer("growth", "migrating")}, "approved", [], {}),
        (
            {"growth": Answer("growth", "blocked", "we read it")},
            "blocked",
            ["growth"],
            {"growth": "we read it"},
        ),
    ],
    ids=["no-answer", "approved", "migrating", "blocked"],
)
def test_answers(
    answers: dict[str, Answer], verdict: str, pending: list[str], notes: dict[str, str]
) -> None:
    d = one(
        decide([asset(REMOVED)], view(regs=GROWTH, props=(proposal("pending", answers=answers),)))
    )
    assert (d.verdict, d.pending_teams, d.blocked_notes) == (verdict, pending, notes)


def test_a_team_that_registered_later_must_answer_too() -> None:
    regs = (Registration("growth"), Registration("finance"))
    answers = {"growth": Answer("growth", "approved")}
    d = one(
        decide([asset(REMOVED)], view(regs=regs, props=(proposal("approved", answers=answers),)))
    )
    assert (d.verdict, d.pending_teams) == ("blocked", ["finance"])


def test_forced_lets_it_ship() -> None:
    d = one(decide([asset(REMOVED)], view(regs=GROWTH, props=(proposal("forced"),))))
    assert (d.verdict, d.next_version, d.proposal_id) == ("forced", "2.0.0", "orders-aaaaaa")


# -- removed assets -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("regs", "deprecation", "verdict"),
    [
        (GROWTH, None, "blocked"),
        (GROWTH, "2000-01-01", "retired"),
        (GROWTH, "2999-01-01", "blocked"),
        ((), None, "retired"),
    ],
    ids=["consumed", "past-deprecation", "future-deprecation", "unconsumed"],
)
def test_removed_assets(
    regs: tuple[Registration, ...], deprecation: str | None, verdict: str
) -> None:
    result = decide(
        [],
        view(regs=regs, known={AID: deprecation}),
        removed={AID: "deleted or renamed"},
        today="2026-01-01",
    )
    d = one(result)
    assert (d.verdict, d.blocks_all, d.name) == (verdict, True, "orders")
    assert d.changes[0]["message"].startswith("model orders was deleted or renamed")
    if deprecation == "2999-01-01":
        # Before the date the block message names it.
        assert "before its deprecation_date 2999-01-01" in d.message


def test_removed_assets_the_registry_does_not_know_are_ignored() -> None:
    assert decide([], view(known={}), removed={AID: "deleted"}).decisions == []
    assert decide([], view(versions=()), removed={AID: "deleted"}).decisions == []


def test_removed_versioned_model_is_named_with_its_version() -> None:
    vid = "model.shop.orders.v2"
    reg = RegistryView({vid: [PublishedVersion("1.0.0", BASE, {}, fp(BASE))]}, {}, {}, {vid: None})
    d = one(decide([], reg, removed={vid: "disabled"}))
    assert d.name == "orders.v2" and d.verdict == "retired"


# -- messages -------------------------------------------------------------------------------
def test_block_message_says_everything_needed_to_answer() -> None:
    answers = {"finance": Answer("finance", "blocked", "quarter close")}
    regs = (Registration("growth"), Registration("finance"))
    result = decide(
        [asset(REMOVED)],
        view(
            regs=regs, props=(proposal("rejected", teams=("finance", "growth"), answers=answers),)
        ),
    )
    message = render_block_message(result.decisions)
    assert message.startswith("Tessera blocked this run: 1 model(s)")
    assert "Model orders (model.shop.orders) is blocked by Tessera:" in message
    assert "  - column status was removed" in message
    assert "proposal orders-aaaaaa (base version 1.0.0); waiting for: finance, growth" in message
    assert "team finance answered blocked: quarter close" in message
    for team in ("finance", "growth"):
        assert acknowledge_command("orders-aaaaaa", team) in message
    assert acknowledge_command("p-1", "t") == (
        "dbt run-operation tessera.acknowledge --args "
        "'{proposal_id: p-1, team: t, response: approved}'"
    )
    assert "tessera.withdraw" in message


def test_allowed_decisions_have_no_message() -> None:
    assert one(decide([asset(ADDED)], view())).message == ""


def test_decision_row_shape() -> None:
    row = one(decide([asset(REMOVED)], view(regs=GROWTH))).to_row()
    assert set(row) == {
        "asset_id",
        "model",
        "owner",
        "verdict",
        "fingerprint",
        "changes",
        "next_version",
        "base_version",
        "bump",
        "proposal_id",
        "pending_teams",
        "blocked_notes",
        "blocks_all",
        "deadline",
        "file_path",
        "message",
    }


def test_gate_result_dict() -> None:
    out = decide([asset(REMOVED)], view(regs=GROWTH)).to_dict()
    assert out["passed"] is False and len(out["new_proposals"]) == 1 and out["superseded"] == []


def test_proposal_ids_are_deterministic_and_typeable() -> None:
    a = proposal_id_for("Fct Revenue.v2", "model.x.fct_revenue.v2", "f")
    assert a == proposal_id_for("Fct Revenue.v2", "model.x.fct_revenue.v2", "f")
    assert a.startswith("fct_revenue_v2-")
    assert a != proposal_id_for("Fct Revenue.v2", "model.x.fct_revenue.v2", "g")


# -- tessera.diff --------------------------------------------------------------------------
def test_diff_between_two_documents() -> None:
    out = compare_documents(
        {"schema": BASE, "guarantees": {}},
        {"schema": ADDED, "guarantees": {}},
        "backward",
        "notify",
        "1.0.0",
    )
    assert (out["breaking"], out["bump"], out["next_version"]) == (False, "minor", "1.1.0")
    assert [c["kind"] for c in out["changes"]] == ["column_added"]


def test_default_diff_and_its_text() -> None:
    d = one(decide([asset(REMOVED)], view(regs=GROWTH)))
    report = decision_diff(d)
    assert (report["from_version"], report["to_version"], report["verdict"]) == (
        "1.0.0",
        "project",
        "blocked",
    )
    assert report["breaking"] is True and report["next_version"] == "2.0.0"
    assert "[breaking] column status was removed" in report["text"]
    assert "the project now" in report["text"] and d.proposal_id in report["text"]
    new = decision_diff(one(decide([asset(BASE)], view(versions=()))))
    assert "not published yet" in new["text"]
    same = decision_diff(one(decide([asset(BASE)], view())))
    assert "no contract changes" in same["text"]


def test_diff_report_between_versions_has_no_verdict() -> None:
    d = one(decide([asset(BASE)], view()))
    compared = compare_documents(
        {"schema": BASE}, {"schema": REMOVED}, "backward", "notify", "1.0.0"
    )
    report = diff_report(d, "1.0.0", "2.0.0", compared)
    assert "verdict" not in report and report["to_version"] == "2.0.0"
    assert render_diff(report).splitlines()[0] == "orders (model.shop.orders): 1.0.0 -> 2.0.0"


# -- the plugin's pure conversions (tessera_dbt.plugin.evaluation) ---------------------------------
def test_removals_that_pass_are_retired_in_the_registry() -> None:
    from tessera_dbt.plugin.evaluation import check_rows, retired_asset_rows
    from tessera_dbt.plugin.registry import AssetRecord, RegistryState

    state = RegistryState(assets={AID: AssetRecord(AID, project_name="shop", owner_team="core")})
    retired = decide([], view(known={AID: None}), removed={AID: "deleted or renamed"})
    [row] = retired_asset_rows(retired, state)
    assert row.asset_id == AID and row.owner_team == "core" and row.deleted_at
    blocked = decide([], view(regs=GROWTH, known={AID: None}), removed={AID: "deleted"})
    assert retired_asset_rows(blocked, state) == []
    [check] = check_rows(blocked, {AID: {"diff": {"x": 1}}})
    assert check.blocks_all is True and check.details["diff"] == {"x": 1}
    assert (
        check.to_row()["details_json"]
        == '{"blocked_notes":{},"diff":{"x":1},"owner":null,"pending_teams":["growth"]}'
    )
    assert check.next_version is None  # nothing to publish for a removal


# -- deadlines --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("deadline", "answers", "verdict"),
    [
        pytest.param("2026-03-01", {}, "blocked", id="before-the-deadline"),
        pytest.param("2026-02-01", {}, "blocked", id="on-the-deadline-day"),
        pytest.param("2026-01-01", {}, "expired", id="past-it-nobody-answered"),
        pytest.param(
            "2026-01-01", {"growth": Answer("growth", "blocked", "no")}, "blocked", id="blocked"
        ),
        pytest.param(None, {}, "blocked", id="no-deadline"),
    ],
)
def test_a_proposal_past_its_deadline_expires_unless_a_team_answered_blocked(
    deadline: str | None, answers: dict[str, Answer], verdict: str
) -> None:
    props = (proposal("pending", answers=answers, deadline=deadline),)
    result = decide([asset(REMOVED)], view(regs=GROWTH, props=props), today="2026-02-01")
    d = one(result)
    assert d.verdict == verdict
    assert result.expired == (["orders-aaaaaa"] if verdict == "expired" else [])
    assert d.allowed == (verdict == "expired")


def test_an_expired_proposal_ships_like_a_forced_one() -> None:
    result = decide([asset(REMOVED)], view(regs=GROWTH, props=(proposal("expired"),)))
    assert (one(result).verdict, result.new_proposals) == ("expired", [])


def test_migration_days_give_a_new_proposal_its_deadline() -> None:
    a = replace(asset(REMOVED), migration_days=14)
    result = decide([a], view(regs=GROWTH), today="2026-02-01")
    [p] = result.new_proposals
    assert p.deadline == one(result).deadline == "2026-02-15"
    assert "deadline 2026-02-15" in one(result).message


# -- the gate holds (issue: relaxed modes, fixed teams, reverted changes) -----------------
def _published_under(mode: str, gmode: str = "notify") -> RegistryView:
    return RegistryView(
        {AID: [PublishedVersion("1.0.0", BASE, {}, fp(BASE), mode, gmode)]},
        {AID: [Registration("growth")]},
        {AID: []},
        {AID: None},
    )


def _asset_modes(schema: dict[str, Any], mode: str, gmode: str = "notify") -> AssetInput:
    return AssetInput(AID, "orders", "core", mode, gmode, schema, {}, fp(schema))


def test_relaxing_the_mode_in_the_same_change_is_judged_under_the_published_mode() -> None:
    d = one(decide([_asset_modes(REMOVED, "none")], _published_under("backward")))
    assert d.verdict == "blocked" and d.next_version == "2.0.0"
    kinds = {c["kind"] for c in d.changes if c["breaking"]}
    assert "compatibility_relaxed" in kinds and len(kinds) >= 2


def test_relaxing_the_mode_alone_is_a_change_consumers_acknowledge() -> None:
    result = decide([_asset_modes(BASE, "none")], _published_under("backward"))
    d = one(result)
    assert d.verdict == "blocked" and d.pending_teams == ["growth"]
    assert result.new_proposals and result.new_proposals[0].fingerprint != fp(BASE)
    relaxed = decide([_asset_modes(BASE, "backward", "ignore")], _published_under("backward"))
    assert one(relaxed).verdict == "blocked"
    # Tightening needs nobody's answer; it publishes the new terms as a minor.
    tightened = one(decide([_asset_modes(BASE, "full")], _published_under("backward")))
    assert (tightened.verdict, tightened.next_version) == ("compatible", "1.1.0")
    # Nobody registered: the relaxation ships, recorded as auto-approved.
    alone = RegistryView(
        {AID: [PublishedVersion("1.0.0", BASE, {}, fp(BASE), "backward", "notify")]}, {}, {}, {}
    )
    assert one(decide([_asset_modes(BASE, "none")], alone)).verdict == "auto_approved"


def test_stricter_mode() -> None:
    from tessera_dbt.core.policy import stricter_guarantee_mode, stricter_mode

    assert stricter_mode("backward", "none") == "backward"
    assert stricter_mode("backward", "forward") == "full"
    assert stricter_mode("backward_transitive", "forward") == "full_transitive"
    assert stricter_mode(None, "none") == "none"
    assert stricter_guarantee_mode("strict", "ignore") == "strict"
    assert stricter_guarantee_mode(None, "ignore") == "ignore"


def test_an_open_proposal_keeps_its_teams_when_ownership_or_registrations_change() -> None:
    open_p = ProposalView("orders-1", AID, "pending", fp(REMOVED), "1.0.0", ("growth",), {})
    # growth became the owner: it still owes its answer.
    owner = one(decide([asset(REMOVED, owner="growth")], view(props=(open_p,))))
    assert owner.verdict == "blocked" and owner.pending_teams == ["growth"]
    # growth's registration is gone: still owed.
    gone = one(decide([asset(REMOVED)], view(regs=(), props=(open_p,))))
    assert gone.verdict == "blocked" and gone.proposal_id == "orders-1"


def test_a_reverted_change_supersedes_its_open_proposal() -> None:
    open_p = ProposalView("orders-1", AID, "pending", fp(REMOVED), "1.0.0", ("growth",), {})
    result = decide([asset(BASE)], view(regs=(Registration("growth"),), props=(open_p,)))
    assert one(result).verdict == "unchanged" and result.reverted == ["orders-1"]


def test_may_answer_is_the_member_rule() -> None:
    from tessera_dbt.core.gate import may_answer

    members = {"growth": ["alice"]}
    assert may_answer("growth", "alice", members)
    assert may_answer("growth", "ann", members, ["ann"])
    assert not may_answer("growth", "mallory", members)
    assert not may_answer("growth", None, members)
