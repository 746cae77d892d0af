"""The warehouse registry on DuckDB and PostgreSQL: tables, migrations, operations, escaping.

Real dbt, real warehouses: each test runs once per adapter. dbt costs seconds per start, so
most checks run as batches in one process (``Session``) on one project per adapter shared by
this module (each test uses its own teams, models and proposals); the command line itself is
checked where it matters (exit codes, one-line refusals, stdout JSON, YAML --args).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable

import pytest

from tests.conftest import ADAPTERS
from tests.harness import VENV_BIN, DbtProject, make_project
from tests.integration.test_registry_support import (
    ORDERS,
    REGISTRY_TABLES,
    Session,
    counts,
    ok,
    printed_json,
    refused,
    run_op,
    tessera_line,
)

pytestmark = [pytest.mark.slow]

NewProject = Callable[..., DbtProject]

# DESIGN §5: the key columns users and tests rely on.
KEY_COLUMNS = {
    "tessera_teams": ["name", "description", "created_at", "deleted_at"],
    "tessera_team_members": ["team", "principal", "role"],
    "tessera_assets": [
        "asset_id",
        "project_name",
        "owner_team",
        "compatibility",
        "relation_name",
        "created_at",
        "deleted_at",
    ],
    "tessera_contracts": [
        "asset_id",
        "version",
        "schema_json",
        "guarantees_json",
        "fingerprint",
        "published_at",
        "published_by",
        "proposal_id",
    ],
    "tessera_registrations": [
        "asset_id",
        "team",
        "source",
        "columns_json",
        "pinned_major",
        "created_at",
        "deleted_at",
    ],
    "tessera_proposals": [
        "proposal_id",
        "asset_id",
        "status",
        "base_version",
        "fingerprint",
        "changes_json",
        "created_at",
        "created_by",
        "resolved_at",
    ],
    "tessera_proposal_teams": ["proposal_id", "team", "reason"],
    "tessera_acknowledgements": [
        "proposal_id",
        "team",
        "response",
        "note",
        "acknowledged_by",
        "acknowledged_at",
    ],
    "tessera_checks": [
        "invocation_id",
        "asset_id",
        "fingerprint",
        "verdict",
        "changes_json",
        "checked_at",
        "model_name",
        "message",
        "schema_json",
        "guarantees_json",
        "next_version",
        "bump",
        "proposal_id",
        "blocks_all",
    ],
    "tessera_audit_log": [
        "event_id",
        "occurred_at",
        "actor",
        "action",
        "entity_type",
        "entity_id",
        "details_json",
        "invocation_id",
    ],
}


@pytest.fixture(scope="module", params=ADAPTERS)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """One registry-fixture project per adapter, shared by this module's tests."""
    adapter = str(request.param)
    server = request.getfixturevalue("pg") if adapter == "postgres" else None
    root = tmp_path_factory.mktemp(f"registry-{adapter}")
    return make_project(root, adapter, "registry", server)


def _columns(project: DbtProject, table: str) -> list[str]:
    rows = project.query(
        "select column_name from information_schema.columns "
        f"where table_schema = 'tessera' and table_name = '{table}' order by ordinal_position"
    )
    return [str(r[0]) for r in rows]


def _new_audit(project: DbtProject, seen: set[str]) -> list[tuple[str, str, str]]:
    rows = project.query(
        "select event_id, action, entity_id from {schema}.tessera_audit_log "
        "order by occurred_at, action"
    )
    return [(str(r[1]), str(r[2]), str(r[0])) for r in rows if r[0] not in seen]


def _audit_ids(project: DbtProject) -> set[str]:
    fresh = project.adapter == "duckdb" and not (project.dir / "warehouse.duckdb").exists()
    if fresh or not project.table_exists("tessera_audit_log"):
        return set()
    return {str(r[0]) for r in project.query("select event_id from {schema}.tessera_audit_log")}


def test_init_migrates_an_older_registry_and_is_idempotent(
    adapter: str, new_project: NewProject
) -> None:
    """A registry written by an older layout (fewer columns, version 0) is migrated in place
    without losing a row; init then finds it up to date; every table of §5 exists."""
    project = new_project(adapter, "registry")
    project.execute("create schema tessera")
    project.execute(
        "create table {schema}.tessera_teams (name varchar, description varchar, "
        "created_at timestamp, deleted_at timestamp, unique (name))"
    )
    project.execute(
        "create table {schema}.tessera_audit_log (event_id varchar, occurred_at timestamp, "
        "actor varchar, action varchar, entity_type varchar, entity_id varchar, "
        "details_json varchar)"
    )
    project.execute(
        "create table {schema}.tessera_schema_version (version integer, applied_at timestamp)"
    )
    project.execute("insert into {schema}.tessera_schema_version values (0, current_timestamp)")
    project.execute(
        "insert into {schema}.tessera_teams values ('legacy', 'it''s old', current_timestamp, null)"
    )
    project.execute(
        "insert into {schema}.tessera_audit_log values "
        "('e0', current_timestamp, 'old', 'team_created', 'team', 'legacy', '{}')"
    )
    res = run_op(project, "init")
    assert "tables, added" in res.output and "added 0 columns" not in res.output, res
    again = run_op(project, "init")
    assert "up to date (schema version 1)" in again.output, again

    for table in REGISTRY_TABLES:
        assert project.table_exists(table), table
    for table, columns in KEY_COLUMNS.items():
        present = _columns(project, table)
        assert set(columns) <= set(present), (table, present)
    assert project.query("select name, description from {schema}.tessera_teams") == [
        ("legacy", "it's old")
    ]
    versions = project.query("select version from {schema}.tessera_schema_version order by 1")
    assert [int(v[0]) for v in versions] == [0, 1]
    actions = project.query(
        "select action, entity_type from {schema}.tessera_audit_log order by action"
    )
    assert actions == [("registry_migrated", "registry"), ("team_created", "team")]


def test_operations_happy_path_and_audit(shared: DbtProject) -> None:
    project = shared
    seen = _audit_ids(project)
    s = Session(project)
    for name in ("hp-core", "hp-growth", "hp-finance"):
        s.op("create_team", {"name": name, "description": f"the {name} team"})
    s.op("add_team_member", {"team": "hp-growth", "principal": "alice"})
    s.op("add_team_member", {"team": "hp-growth", "principal": "alice", "role": "admin"})
    s.op("add_team_member", {"team": "hp-finance", "principal": "bob", "role": "member"})
    s.op("remove_team_member", {"team": "hp-finance", "principal": "bob", "role": "member"})
    s.op(
        "register_consumer",
        {"model": "orders", "team": "hp-growth", "columns": ["status"], "pinned_major": 1},
    )
    s.op("register_consumer", {"model": "registry_fixture.customers", "team": "hp-finance"})
    s.op("register_consumer", {"model": "model.registry_fixture.accounts.v2", "team": "hp-growth"})
    s.op("register_consumer", {"model": "accounts", "team": "hp-finance", "note": "v2 by default"})
    s.op("register_consumer", {"model": "accounts.v1", "team": "hp-finance"})
    s.op("unregister_consumer", {"model": "customers", "team": "hp-finance", "note": "done"})
    s.op("delete_team", {"name": "hp-core", "description": "merged"})
    s.op("restore_team", {"name": "hp-core", "description": "back again"})
    # Proposals: answers, status transitions, late registration, withdraw, force.
    s.proposal("orders-aaa111", ["hp-growth"])
    s.proposal("customers-bbb222", [], asset_id="model.registry_fixture.customers")
    s.op(
        "acknowledge", {"proposal_id": "orders-aaa111", "team": "hp-growth", "response": "blocked"}
    )
    after_block = s.op("list_proposals", {"format": "json"})
    s.op(
        "acknowledge",
        {"proposal_id": "orders", "team": "hp-growth", "response": "migrating", "note": "in Q3"},
    )
    mine = s.op("list_proposals", {"format": "json", "team": "hp-growth"})
    # A team registering later joins the open proposal it is affected by: back to pending.
    s.op("register_consumer", {"model": "orders", "team": "hp-finance", "columns": ["status"]})
    # Not affected: uses another column.
    s.op("register_consumer", {"model": "orders", "team": "hp-core", "columns": ["amount"]})
    rejoined = s.op("list_proposals", {"format": "json"})
    s.op("acknowledge", {"model": "orders", "team": "hp-finance", "response": "approved"})
    detail = s.op("status", {"model": "orders", "format": "json"})
    overview = s.op("status", {"format": "json"})
    s.op("withdraw", {"proposal_id": "orders-aaa111", "reason": "reverted"})
    s.op("force", {"proposal_id": "customers", "reason": "incident 42"})
    final = s.op("list_proposals", {"format": "json", "status": "all"})
    text_status = s.op("status", {})
    text_detail = s.op("status", {"model": "orders"})
    text_list = s.op("list_proposals", {"status": "all"})
    r = s.run()
    for item in r:
        ok(item)

    assert project.query(
        "select name, description, deleted_at is null from {schema}.tessera_teams "
        "where name like 'hp-%' order by name"
    ) == [
        ("hp-core", "back again", True),
        ("hp-finance", "the hp-finance team", True),
        ("hp-growth", "the hp-growth team", True),
    ]
    assert project.query(
        "select team, principal, role, deleted_at is null from {schema}.tessera_team_members "
        "where team like 'hp-%' order by team"
    ) == [("hp-finance", "bob", "member", False), ("hp-growth", "alice", "admin", True)]
    regs = project.query(
        "select asset_id, team, source, columns_json, pinned_major, note, deleted_at is null "
        "from {schema}.tessera_registrations where team like 'hp-%' order by asset_id, team"
    )
    v1, v2 = "model.registry_fixture.accounts.v1", "model.registry_fixture.accounts.v2"
    # On a versioned model: unpinned on the model (follows latest_version), pinned on a version.
    model = "model.registry_fixture.accounts"
    assert regs == [
        (model, "hp-finance", "manual", None, None, "v2 by default", True),
        (v1, "hp-finance", "manual", None, None, None, True),
        (v2, "hp-growth", "manual", None, None, None, True),
        ("model.registry_fixture.customers", "hp-finance", "manual", None, None, None, False),
        (ORDERS, "hp-core", "manual", '["amount"]', None, None, True),
        (ORDERS, "hp-finance", "manual", '["status"]', None, None, True),
        (ORDERS, "hp-growth", "manual", '["status"]', 1, None, True),
    ]
    assert [a[0] for a in _new_audit(project, seen) if a[0] != "registry_initialized"] == [
        "team_created",
        "team_created",
        "team_created",
        "member_added",
        "member_role_changed",
        "member_added",
        "member_removed",
        "consumer_registered",
        "consumer_registered",
        "consumer_registered",
        "consumer_registered",
        "consumer_registered",
        "consumer_unregistered",
        "team_deleted",
        "team_restored",
        "proposal_opened",
        "proposal_opened",
        "proposal_acknowledged",
        "proposal_rejected",
        "proposal_acknowledged",
        "proposal_approved",
        "consumer_registered",
        "proposal_team_added",
        "consumer_registered",
        "proposal_acknowledged",
        "proposal_approved",
        "proposal_withdrawn",
        "proposal_forced",
    ]
    # The registry was created once, by whichever operation ran first.
    initialized = project.query(
        "select count(*) from {schema}.tessera_audit_log where action = 'registry_initialized'"
    )
    assert initialized == [(1,)]
    actors = {r[0] for r in project.query("select actor from {schema}.tessera_audit_log")}
    assert None not in actors and "" not in actors
    if project.adapter == "postgres":
        assert actors == {"postgres"}  # current_user: not spoofable

    blocked = {p["proposal_id"]: p for p in printed_json(r[after_block])["proposals"]}
    assert blocked["orders-aaa111"]["status"] == "rejected"
    assert blocked["orders-aaa111"]["blocked_by"] == ["hp-growth"]
    assert blocked["customers-bbb222"]["status"] == "pending"
    answered = printed_json(r[mine])["proposals"]
    assert [(p["proposal_id"], p["status"]) for p in answered] == [("orders-aaa111", "approved")]
    assert answered[0]["teams"][0]["response"] == "migrating"
    assert answered[0]["teams"][0]["note"] == "in Q3"
    back = {p["proposal_id"]: p for p in printed_json(r[rejoined])["proposals"]}
    assert back["orders-aaa111"]["status"] == "pending"
    assert back["orders-aaa111"]["waiting_for"] == ["hp-finance"]
    assert [t["team"] for t in back["orders-aaa111"]["teams"]] == ["hp-finance", "hp-growth"]
    one = printed_json(r[detail])["assets"]
    assert len(one) == 1 and one[0]["asset_id"] == ORDERS
    assert one[0]["owner_team"] == "core-data" and one[0]["compatibility"] == "backward"
    assert [p["status"] for p in one[0]["open_proposals"]] == ["approved"]
    assert {c["team"] for c in one[0]["consumers"]} >= {"hp-growth", "hp-finance", "hp-core"}
    every = {a["asset_id"] for a in printed_json(r[overview])["assets"]}
    assert {ORDERS, "model.registry_fixture.customers", v1, v2} <= every
    assert "model.registry_fixture.scratch" not in every
    done = {p["proposal_id"]: p for p in printed_json(r[final])["proposals"]}
    assert done["orders-aaa111"]["status"] == "withdrawn"
    assert done["orders-aaa111"]["resolution_note"] == "reverted"
    assert done["orders-aaa111"]["resolved_at"] is not None
    assert done["customers-bbb222"]["status"] == "forced"
    assert any("asset(s)" in line for line in r[text_status]["logged"])
    assert any("consumers:" in line for line in r[text_detail]["logged"])
    assert any("orders-aaa111" in ln and "withdrawn" in ln for ln in r[text_list]["logged"])
    acks = project.query(
        "select team, response from {schema}.tessera_acknowledgements "
        "where proposal_id = 'orders-aaa111' order by acknowledged_at"
    )
    assert acks == [
        ("hp-growth", "blocked"),
        ("hp-growth", "migrating"),
        ("hp-finance", "approved"),
    ]


def test_refusals_write_nothing(shared: DbtProject) -> None:
    """The bad-input matrix: each refusal is one line naming the argument, the value and what
    is allowed, and no table changes."""
    project = shared
    s = Session(project)
    s.op("create_team", {"name": "core-data"})
    s.op("create_team", {"name": "growth"})
    s.op("create_team", {"name": "gone"})
    s.op("delete_team", {"name": "gone"})
    s.op("add_team_member", {"team": "growth", "principal": "alice"})
    s.op("register_consumer", {"model": "payments", "team": "growth", "columns": ["status"]})
    payments = "model.registry_fixture.payments"
    refunds = "model.registry_fixture.refunds"
    s.proposal("payments-ddd444", ["growth"], asset_id=payments)
    s.proposal("payments-eee555", ["growth"], asset_id=payments, status="withdrawn")
    s.proposal("payments-fff666", ["growth"], asset_id=payments, status="published")
    s.proposal("refunds-ggg777", ["growth"], asset_id=refunds)
    s.proposal("refunds-hhh888", ["growth"], asset_id=refunds)
    before = s.counts()

    open_id = "payments-ddd444"
    cases: list[tuple[str, dict[str, object] | None, tuple[str, ...]]] = [
        # missing arguments
        ("create_team", {}, ("name is missing", "allowed: a non-empty string")),
        ("create_team", {"name": None}, ("name is missing",)),
        ("delete_team", {}, ("name is missing",)),
        ("restore_team", {}, ("name is missing",)),
        ("add_team_member", {"principal": "x"}, ("team is missing",)),
        ("add_team_member", {"team": "growth"}, ("principal is missing",)),
        ("remove_team_member", {"team": "growth"}, ("principal is missing",)),
        ("register_consumer", {"team": "growth"}, ("model is missing",)),
        ("register_consumer", {"model": "payments"}, ("team is missing",)),
        ("unregister_consumer", {"model": "payments"}, ("team is missing",)),
        ("acknowledge", {"team": "growth", "response": "approved"}, ("proposal_id is missing",)),
        ("acknowledge", {"proposal_id": open_id, "response": "approved"}, ("team is missing",)),
        ("acknowledge", {"proposal_id": open_id, "team": "growth"}, ("response is missing",)),
        ("withdraw", {}, ("proposal_id is missing",)),
        ("force", {"proposal_id": open_id}, ("reason is missing",)),
        # wrong types
        ("create_team", {"name": 42}, ("name = 42 is not a string",)),
        ("create_team", {"name": True}, ("name = true is not a string",)),
        ("create_team", {"name": ["a"]}, ('name = ["a"] is not a string',)),
        ("create_team", {"name": "x", "description": {"a": 1}}, ("description",)),
        ("add_team_member", {"team": "growth", "principal": 7}, ("principal = 7",)),
        ("register_consumer", {"model": "payments", "team": "growth", "columns": 5}, ("columns",)),
        (
            "register_consumer",
            {"model": "payments", "team": "growth", "columns": [1]},
            ("columns[0] = 1",),
        ),
        (
            "register_consumer",
            {"model": "payments", "team": "growth", "pinned_major": "one"},
            ('pinned_major = "one"', "an integer >= 1"),
        ),
        (
            "register_consumer",
            {"model": "payments", "team": "growth", "pinned_major": 0},
            ("pinned_major = 0",),
        ),
        ("acknowledge", {"proposal_id": 5, "team": "growth", "response": "approved"}, ("= 5",)),
        ("status", {"model": 3}, ("model = 3",)),
        # unknown values and arguments
        ("create_team", {"name": "   "}, ("is blank",)),
        ("create_team", {"name": "x", "colour": "red"}, ("colour is not an argument",)),
        ("add_team_member", {"team": "growth", "principal": "bob", "role": "owner"}, ("role",)),
        (
            "acknowledge",
            {"proposal_id": open_id, "team": "growth", "response": "maybe"},
            ('response = "maybe" is not allowed', "approved, migrating, blocked"),
        ),
        ("list_proposals", {"status": "nope"}, ('status = "nope"', "pending")),
        ("status", {"format": "xml"}, ('format = "xml"', "text, json")),
        ("init", {"force": True}, ("force is not an argument",)),
        ("create_team", {"name": "nul\u0000byte"}, ("NUL",)),
        # unknown entities
        (
            "add_team_member",
            {"team": "nobody", "principal": "x"},
            ('team = "nobody" is not a team',),
        ),
        ("register_consumer", {"model": "nope", "team": "growth"}, ('model = "nope"',)),
        ("register_consumer", {"model": "scratch", "team": "growth"}, ("not a Tessera asset",)),
        ("register_consumer", {"model": "payments", "team": "nobody"}, ('team = "nobody"',)),
        (
            "register_consumer",
            {"model": "payments", "team": "growth", "columns": ["no_such_column"]},
            ("no_such_column", "payment_id"),
        ),
        ("register_consumer", {"model": "payments", "team": "core-data"}, ("owns",)),
        ("unregister_consumer", {"model": "customers", "team": "growth"}, ("not a registered",)),
        (
            "acknowledge",
            {"proposal_id": "nope-123", "team": "growth", "response": "approved"},
            ('proposal_id = "nope-123" is not a proposal',),
        ),
        (
            "acknowledge",
            {"proposal_id": open_id, "team": "nobody", "response": "approved"},
            ('team = "nobody"',),
        ),
        (
            "acknowledge",
            {"proposal_id": open_id, "team": "core-data", "response": "approved"},
            ("not affected", "growth"),
        ),
        ("remove_team_member", {"team": "growth", "principal": "zed"}, ("not a member",)),
        ("list_proposals", {"team": "nobody"}, ('team = "nobody"',)),
        ("status", {"model": "nope"}, ('model = "nope"',)),
        # wrong state
        ("create_team", {"name": "growth"}, ("already exists",)),
        ("create_team", {"name": "gone"}, ("deleted team",)),
        ("delete_team", {"name": "gone"}, ("deleted team",)),
        ("restore_team", {"name": "growth"}, ("is not deleted",)),
        ("add_team_member", {"team": "gone", "principal": "x"}, ("deleted team",)),
        ("add_team_member", {"team": "growth", "principal": "alice"}, ("already a member",)),
        (
            "remove_team_member",
            {"team": "growth", "principal": "alice", "role": "admin"},
            ("role",),
        ),
        ("register_consumer", {"model": "payments", "team": "gone"}, ("deleted team",)),
        (
            "acknowledge",
            {"proposal_id": "payments-eee555", "team": "growth", "response": "approved"},
            ("withdrawn",),
        ),
        (
            "acknowledge",
            {"proposal_id": "payments-fff666", "team": "growth", "response": "approved"},
            ("published",),
        ),
        ("withdraw", {"proposal_id": "payments-eee555"}, ("already withdrawn",)),
        ("force", {"proposal_id": "payments-fff666", "reason": "x"}, ("already published",)),
        ("withdraw", {"proposal_id": "refunds"}, ("2 open proposals", "refunds-ggg777")),
        ("withdraw", {"model": "invoices"}, ("no open proposal",)),
    ]
    first = len(s.steps)
    for name, args, _ in cases:
        s.op(name, args)
    after = s.counts()
    results = s.run()
    for r in results[:first]:
        ok(r)
    for (name, args, needles), result in zip(cases, results[first:after], strict=True):
        line = refused(result, *needles)
        assert line.startswith(f"tessera.{name}: "), (name, args, line)
        assert "allowed:" in line, line
    assert results[after]["counts"] == results[before]["counts"]

    # The real command line (subprocess: the executable's exit code): exit code 1 and the same
    # single line; nothing written.
    res = run_op(
        project,
        "acknowledge",
        {"proposal_id": open_id, "team": "growth"},
        expect=1,
        subprocess=True,
    )
    assert tessera_line(res) == (
        "tessera.acknowledge: response is missing; allowed: approved, migrating, blocked"
    )
    assert counts(project) == results[before]["counts"]


HOSTILE = [
    "it's",
    "O'Brien's \"quoted\" team",
    "drop; table -- x",
    "/* comment */ select 1",
    "back\\slash \\' \\\\ end\\",
    "line one\nline two\r\nthree\ttabbed",
    "emoji 🎉 ✓ 日本語 ẞ",
    "$$dollar$$ $tag$ %s %(x)s {schema} {{ jinja }} {% raw %}",
    "'); delete from tessera_teams; --",
    "E'\\x41'",
    "123",
    "true",
    "null",
    "",
    " leading and trailing ",
    "y" * 10_000,
]


def test_hostile_strings_round_trip(shared: DbtProject) -> None:
    """Quotes, semicolons, comment markers, backslashes, newlines, emoji and 10,000
    characters go in through every kind of argument and come back verbatim."""
    project = shared
    s = Session(project)
    names = [h for h in HOSTILE if h.strip()]
    described = {text: HOSTILE[(i + 3) % len(HOSTILE)] for i, text in enumerate(names)}
    principals = {text: HOSTILE[(i + 1) % len(HOSTILE)] or "p" for i, text in enumerate(names)}
    for text in names:
        s.op("create_team", {"name": text, "description": described[text]})
    for i, text in enumerate(names):
        s.op("add_team_member", {"team": text, "principal": principals[text]})
        s.op("register_consumer", {"model": "customers", "team": text, "note": HOSTILE[i]})
    s.op("list_proposals", {"format": "json", "team": HOSTILE[1]})
    results = s.run()
    for r in results:
        ok(r)

    teams = dict(project.query("select name, description from {schema}.tessera_teams"))
    for text in names:
        assert teams[text] == described[text], text[:40]
    members = set(project.query("select team, principal from {schema}.tessera_team_members"))
    for text in names:
        assert (text, principals[text]) in members, text[:40]
    notes = dict(
        project.query(
            "select team, note from {schema}.tessera_registrations "
            "where asset_id = 'model.registry_fixture.customers' and source = 'manual'"
        )
    )
    for i, text in enumerate(names):
        assert notes[text] == HOSTILE[i], text[:40]
    created = {
        r[0]
        for r in project.query(
            "select entity_id from {schema}.tessera_audit_log where action = 'team_created'"
        )
    }
    assert set(names) <= created
    assert printed_json(results[-1])["team"] == HOSTILE[1]

    # The command line (YAML --args through a real argv, then stdout JSON under --quiet)
    # carries them too (subprocess: the executable's argv and stdout are the point).
    text = "quote ' semicolon ; dash -- slash \\ newline \n emoji 🎉 " + "z" * 10_000
    run_op(project, "create_team", {"name": "cli ' team", "description": text}, subprocess=True)
    assert project.query(
        "select description from {schema}.tessera_teams where name = 'cli '' team'"
    ) == [(text,)]
    res = project.dbt(
        "--quiet",
        "run-operation",
        "tessera.list_proposals",
        "--args",
        json.dumps({"format": "json", "status": "all", "team": HOSTILE[5]}, ensure_ascii=False),
        subprocess=True,
    )
    doc = json.loads(res.stdout)
    assert doc["team"] == HOSTILE[5] and doc["status"] == "all"


def test_membership_enforced(shared: DbtProject) -> None:
    """With tessera_enforce_membership: only members answer or register for a team, only
    admins force, only the owner team or admins withdraw; a refusal writes one audit row."""
    project = shared
    # The actor: current_user on PostgreSQL (cannot be spoofed), the var on DuckDB.
    actor = "postgres" if project.adapter == "postgres" else "mallory"
    enforced = {"tessera_enforce_membership": True, "tessera_actor": "mallory"}
    admin = {**enforced, "tessera_admins": [actor]}
    invoices = "model.registry_fixture.invoices"
    s = Session(project)
    s.op("create_team", {"name": "billing"})
    s.op("create_team", {"name": "sec-growth"})
    s.op("register_consumer", {"model": "invoices", "team": "sec-growth"})
    s.proposal("invoices-sec001", ["sec-growth"], asset_id=invoices)
    setup = len(s.steps)
    before = s.counts()
    answer = {"proposal_id": "invoices-sec001", "team": "sec-growth", "response": "approved"}
    s.op("acknowledge", answer, **enforced)
    s.op("force", {"proposal_id": "invoices-sec001", "reason": "now"}, **enforced)
    s.op("withdraw", {"proposal_id": "invoices-sec001"}, **enforced)
    s.op("register_consumer", {"model": "invoices", "team": "sec-growth"}, **enforced)
    s.op("add_team_member", {"team": "sec-growth", "principal": actor}, **enforced)
    after = s.counts()
    rules = s.query(
        "select actor, details_json from {schema}.tessera_audit_log "
        "where action = 'authorization_refused' and entity_id in "
        "('invoices-sec001', 'sec-growth', 'model.registry_fixture.invoices') order by occurred_at"
    )
    # An admin (tessera_admins) makes the actor a member; then the same person may answer,
    # but still not force (not an admin of the owner team) unless in tessera_admins.
    made_member = s.op("add_team_member", {"team": "sec-growth", "principal": actor}, **admin)
    answered = s.op("acknowledge", answer, **enforced)
    not_admin = s.op("force", {"proposal_id": "invoices-sec001", "reason": "now"}, **enforced)
    forced = s.op("force", {"proposal_id": "invoices-sec001", "reason": "incident"}, **admin)
    r = s.run()
    for item in r[:setup]:
        ok(item)
    for item in r[before + 1 : after]:
        line = refused(item, f'actor = "{actor}" is not allowed')
        assert "allowed: " in line
    grown = {k: v - r[before]["counts"][k] for k, v in r[after]["counts"].items()}
    assert grown == {k: (5 if k == "tessera_audit_log" else 0) for k in grown}
    assert [json.loads(d)["rule"] for _, d in r[rules]["rows"]] == [
        "member",
        "force",
        "owner",
        "member",
        "team_admin",
    ]
    assert {a for a, _ in r[rules]["rows"]} == {actor}
    ok(r[made_member])
    ok(r[answered])
    refused(r[not_admin], "is not allowed to force", "an admin of the owner team")
    ok(r[forced])
    assert project.query(
        "select status, resolved_by from {schema}.tessera_proposals "
        "where proposal_id = 'invoices-sec001'"
    ) == [("forced", actor)]


def test_registry_python_api(shared: DbtProject) -> None:
    """tessera_dbt.plugin.registry.Registry against the real adapter: batch writes, publish,
    and the typed state the gate reads."""
    project = shared
    widgets, gadgets, gizmos = "model.api.widgets", "model.api.gadgets", "model.api.gizmos"
    schema1 = {"type": "object", "properties": {"status": {"type": "string"}}}
    pid = "widgets-a1b2c3"
    s = Session(project)
    ensured = s.call("ensure")
    teams = s.call("ensure_teams", names=["api-owner", "api-cons", "api 'quoted'"], reason="x")
    teams_again = s.call("ensure_teams", names=["api-owner", "api-cons"], reason="owner")
    assets = s.call(
        "upsert_assets",
        rows=[
            {"asset_id": widgets, "model_name": "widgets", "owner_team": "api-owner"},
            {"asset_id": gadgets, "model_name": "gadgets", "owner_team": "api-owner"},
        ],
    )
    assets_again = s.call(
        "upsert_assets",
        rows=[
            {
                "asset_id": widgets,
                "model_name": "widgets",
                "owner_team": "api-cons",
                "compatibility": "full",
            }
        ],
    )
    checks = s.call(
        "write_checks",
        invocation_id="inv-api-1",
        rows=[
            {
                "asset_id": widgets,
                "verdict": "new",
                "next_version": "1.0.0",
                "bump": "major",
                "fingerprint": "fp1",
                "schema": schema1,
                "guarantees": {},
            },
            {
                "asset_id": gadgets,
                "verdict": "blocked",
                "next_version": "2.0.0",
                "fingerprint": "g",
            },
            {"asset_id": gizmos, "verdict": "unchanged", "fingerprint": "z"},
        ],
        summary={"verdict": "passed", "assets": 3},
    )
    published = s.call("publish", invocation_id="inv-api-1")
    published_again = s.call("publish", invocation_id="inv-api-1")
    published_none = s.call("publish", invocation_id="inv-api-1", asset_ids=[])
    opened = s.call(
        "open_proposals",
        rows=[
            {
                "proposal_id": pid,
                "asset_id": widgets,
                "model_name": "widgets",
                "base_version": "1.0.0",
                "next_version": "2.0.0",
                "fingerprint": "fp2",
                "changes": [{"kind": "column_removed", "column": "status", "breaking": True}],
                "teams": [{"team": "api-cons", "reason": "uses status"}, "api 'quoted'"],
            },
            {"asset_id": gadgets, "model_name": "gadgets", "fingerprint": "g0"},
        ],
    )
    state1 = s.call("load_state", asset_ids=[widgets, gadgets])
    # The producer changes gadgets again: its proposal is superseded (any open id works).
    gadget_ids = s.query(
        "select proposal_id from {schema}.tessera_proposals "
        f"where asset_id = '{gadgets}' and status = 'pending'"
    )
    s.op("acknowledge", {"proposal_id": pid, "team": "api-cons", "response": "approved"})
    s.op("acknowledge", {"proposal_id": pid, "team": "api 'quoted'", "response": "migrating"})
    state2 = s.call("load_state", asset_ids=[widgets])
    checks2 = s.call(
        "write_checks",
        invocation_id="inv-api-2",
        rows=[
            {
                "asset_id": widgets,
                "verdict": "approved",
                "next_version": "2.0.0",
                "bump": "major",
                "fingerprint": "fp2",
                "proposal_id": pid,
                "schema": {"type": "object", "properties": {}},
            }
        ],
        summary={"verdict": "passed"},
    )
    published2 = s.call("publish", invocation_id="inv-api-2", asset_ids=[widgets])
    state3 = s.call("load_state", asset_ids=[widgets], statuses=["published"])
    r = s.run()
    for item in r:
        ok(item)
    assert r[ensured]["result"]["version"] == 1
    assert sorted(r[teams]["result"]) == ["api 'quoted'", "api-cons", "api-owner"]
    assert r[teams_again]["result"] == []
    assert r[assets]["result"] == {"created": [widgets, gadgets], "updated": []}
    assert r[assets_again]["result"] == {"created": [], "updated": [widgets]}
    assert r[checks]["result"] == 3 and r[checks2]["result"] == 1
    assert r[published]["result"] == [
        {"asset_id": widgets, "version": "1.0.0", "proposal_id": None, "published": True}
    ]
    assert r[published_again]["result"][0]["published"] is False
    assert r[published_none]["result"] == []
    ids = r[opened]["result"]
    assert ids[0] == pid and ids[1].startswith("gadgets-") and len(ids[1]) == len("gadgets-") + 6
    assert r[gadget_ids]["rows"] == [[ids[1]]]

    state = r[state1]["result"]
    assert {"api-owner", "api-cons", "api 'quoted'"} <= set(state["teams"])
    assert state["teams"]["api-owner"]["source"] == "auto"
    assert set(state["assets"]) == {widgets, gadgets}
    assert state["assets"][widgets]["owner_team"] == "api-cons"
    assert state["assets"][widgets]["compatibility"] == "full"
    versions = state["contracts"][widgets]
    assert [v["version"] for v in versions] == ["1.0.0"]
    assert versions[0]["schema"] == schema1 and versions[0]["fingerprint"] == "fp1"
    assert gadgets not in state["contracts"]  # blocked: not published
    proposals = {p["proposal_id"]: p for p in state["proposals"]}
    assert set(proposals) == {pid, ids[1]}
    assert proposals[pid]["status"] == "pending" and proposals[pid]["base_version"] == "1.0.0"
    assert [t["team"] for t in proposals[pid]["teams"]] == ["api 'quoted'", "api-cons"]
    assert proposals[pid]["changes"][0]["column"] == "status"

    approved = r[state2]["result"]["proposals"][0]
    assert approved["status"] == "approved"
    assert {a["team"]: a["response"] for a in approved["history"]} == {
        "api-cons": "approved",
        "api 'quoted'": "migrating",
    }
    assert r[published2]["result"] == [
        {"asset_id": widgets, "version": "2.0.0", "proposal_id": pid, "published": True}
    ]
    final = r[state3]["result"]
    assert [v["version"] for v in final["contracts"][widgets]] == ["1.0.0", "2.0.0"]
    assert final["contracts"][widgets][1]["proposal_id"] == pid
    assert [p["status"] for p in final["proposals"]] == ["published"]

    # Supersede, prune and replace, in a second (short) batch.
    project_rows = project.query(
        "select version, major, minor, patch, bump from {schema}.tessera_contracts "
        f"where asset_id = '{widgets}' order by major"
    )
    assert project_rows == [("1.0.0", 1, 0, 0, "major"), ("2.0.0", 2, 0, 0, "major")]
    s.execute(
        "insert into {schema}.tessera_checks (invocation_id, row_kind, checked_at) values "
        "('inv-ancient', 'summary', cast('2000-01-01 00:00:00' as timestamp))"
    )
    superseded = s.call("supersede_proposals", ids=[ids[1], "no-such-id"], reason="changed")
    s.call("write_checks", invocation_id="inv-api-2", rows=[], summary={"verdict": "passed"})
    gone = s.call("load_state", statuses=["superseded"])
    r = s.run()
    for item in r:
        ok(item)
    assert r[superseded]["result"] == [ids[1]]
    assert [p["resolution_note"] for p in r[gone]["result"]["proposals"]] == ["changed"]
    assert project.query(
        "select count(*) from {schema}.tessera_checks where invocation_id = 'inv-ancient'"
    ) == [(0,)]
    assert project.query(
        "select row_kind from {schema}.tessera_checks where invocation_id = 'inv-api-2'"
    ) == [("summary",)]
    kinds = project.query(
        "select row_kind, count(*) from {schema}.tessera_checks "
        "where invocation_id = 'inv-api-1' group by row_kind order by row_kind"
    )
    assert kinds == [("asset", 3), ("summary", 1)]
    actions = [
        row[0]
        for row in project.query(
            "select action from {schema}.tessera_audit_log "
            f"where entity_id in ('{widgets}', '{gadgets}', '{pid}', '{ids[1]}') "
            "order by occurred_at, action"
        )
    ]
    assert actions.count("contract_published") == 2
    assert actions.count("asset_registered") == 2 and actions.count("asset_updated") == 1
    assert actions.count("proposal_opened") == 2 and "proposal_superseded" in actions
    assert "proposal_published" in actions


@pytest.mark.postgres
def test_concurrent_init_on_a_fresh_postgres_database(new_project: NewProject) -> None:
    """Builds starting at once on a fresh registry: all succeed, one set of tables."""
    project = new_project("postgres", "registry")
    env = {**os.environ, **project.env, "DBT_PROFILES_DIR": str(project.profiles_dir)}
    procs = [
        subprocess.Popen(
            [str(VENV_BIN / "dbt"), "run-operation", "tessera.init"],
            cwd=project.dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert project.query(
        "select count(*) from {schema}.tessera_audit_log where action = 'registry_initialized'"
    ) == [(1,)]
    assert project.query("select count(*) from {schema}.tessera_schema_version") == [(1,)]
