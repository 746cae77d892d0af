"""The warehouse registry on DuckDB and PostgreSQL: tables, migrations, operations, escaping.

Real dbt, real warehouses: each test runs once per adapter. dbt costs seconds per start, so
most checks run as batches in one process (``Session``) on one project per adapter shared by
this module (each test uses its own teams, models and proposals); the command line itself is
checked where it matters (exit codes, one-line refusals, stdout JSON, YAML --args).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import ADAPTERS
from tests.harness import DbtProject, make_project
from tests.integration.test_registry_support import (
    ORDERS,
    REGISTRY_TABLES,
    Session,
    counts,
    insert_proposal,
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
    # The migrated table keeps its unique key and takes the new columns.
    res = run_op(project, "create_team", {"name": "legacy"}, expect=1)
    assert "already exists" in tessera_line(res)


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
    for r in s.run():
        ok(r)

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
    assert regs == [
        ("model.registry_fixture.accounts.v1", "hp-finance", "manual", None, None, None, True),
        (
            "model.registry_fixture.accounts.v2",
            "hp-finance",
            "manual",
            None,
            None,
            "v2 by default",
            True,
        ),
        ("model.registry_fixture.accounts.v2", "hp-growth", "manual", None, None, None, True),
        ("model.registry_fixture.customers", "hp-finance", "manual", None, None, None, False),
        (ORDERS, "hp-growth", "manual", '["status"]', 1, None, True),
    ]
    audit = _new_audit(project, seen)
    assert [a[0] for a in audit if a[0] != "registry_initialized"] == [
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

    # Proposals: answers, status transitions, late registration, withdraw, force.
    seen = _audit_ids(project)
    insert_proposal(project, "orders-aaa111", ["hp-growth"])
    insert_proposal(project, "customers-bbb222", [], asset_id="model.registry_fixture.customers")
    s.op(
        "acknowledge", {"proposal_id": "orders-aaa111", "team": "hp-growth", "response": "blocked"}
    )
    s.op("list_proposals", {"format": "json"})
    s.op(
        "acknowledge",
        {"proposal_id": "orders", "team": "hp-growth", "response": "migrating", "note": "in Q3"},
    )
    s.op("list_proposals", {"format": "json", "team": "hp-growth"})
    # A team registering later joins the open proposal it is affected by: back to pending.
    s.op("register_consumer", {"model": "orders", "team": "hp-finance", "columns": ["status"]})
    # Not affected: uses another column, or pins another major.
    s.op("register_consumer", {"model": "orders", "team": "hp-core", "columns": ["amount"]})
    s.op("list_proposals", {"format": "json"})
    s.op("acknowledge", {"model": "orders", "team": "hp-finance", "response": "approved"})
    s.op("status", {"model": "orders", "format": "json"})
    s.op("status", {"format": "json"})
    s.op("withdraw", {"proposal_id": "orders-aaa111", "reason": "reverted"})
    s.op("force", {"proposal_id": "customers", "reason": "incident 42"})
    s.op("list_proposals", {"format": "json", "status": "all"})
    s.op("status", {})
    s.op("status", {"model": "orders"})
    s.op("list_proposals", {"status": "all"})
    r = s.run()
    for item in r:
        ok(item)
    after_block = {p["proposal_id"]: p for p in printed_json(r[1])["proposals"]}
    assert after_block["orders-aaa111"]["status"] == "rejected"
    assert after_block["orders-aaa111"]["blocked_by"] == ["hp-growth"]
    assert after_block["customers-bbb222"]["status"] == "pending"
    mine = printed_json(r[3])["proposals"]
    assert [(p["proposal_id"], p["status"]) for p in mine] == [("orders-aaa111", "approved")]
    assert mine[0]["teams"][0]["response"] == "migrating"
    assert mine[0]["teams"][0]["note"] == "in Q3"
    rejoined = {p["proposal_id"]: p for p in printed_json(r[6])["proposals"]}
    assert rejoined["orders-aaa111"]["status"] == "pending"
    assert rejoined["orders-aaa111"]["waiting_for"] == ["hp-finance"]
    assert [t["team"] for t in rejoined["orders-aaa111"]["teams"]] == ["hp-finance", "hp-growth"]
    detail = printed_json(r[8])["assets"]
    assert len(detail) == 1 and detail[0]["asset_id"] == ORDERS
    assert detail[0]["owner_team"] == "core-data"
    assert detail[0]["compatibility"] == "backward"
    assert [p["status"] for p in detail[0]["open_proposals"]] == ["approved"]
    assert {c["team"] for c in detail[0]["consumers"]} >= {"hp-growth", "hp-finance", "hp-core"}
    overview = {a["asset_id"]: a for a in printed_json(r[9])["assets"]}
    assert {
        ORDERS,
        "model.registry_fixture.customers",
        "model.registry_fixture.accounts.v1",
        "model.registry_fixture.accounts.v2",
    } <= set(overview)
    assert "model.registry_fixture.scratch" not in overview
    final = {p["proposal_id"]: p for p in printed_json(r[12])["proposals"]}
    assert final["orders-aaa111"]["status"] == "withdrawn"
    assert final["orders-aaa111"]["resolution_note"] == "reverted"
    assert final["orders-aaa111"]["resolved_at"] is not None
    assert final["customers-bbb222"]["status"] == "forced"
    assert any("asset(s)" in line for line in r[13]["logged"])
    assert any("consumers:" in line for line in r[14]["logged"])
    assert any("orders-aaa111" in line and "withdrawn" in line for line in r[15]["logged"])
    acks = project.query(
        "select team, response from {schema}.tessera_acknowledgements "
        "where proposal_id = 'orders-aaa111' order by acknowledged_at"
    )
    assert acks == [
        ("hp-growth", "blocked"),
        ("hp-growth", "migrating"),
        ("hp-finance", "approved"),
    ]
    proposal_audit = [a[0] for a in _new_audit(project, seen) if a[0].startswith("proposal_")]
    assert proposal_audit == [
        "proposal_acknowledged",
        "proposal_rejected",
        "proposal_acknowledged",
        "proposal_approved",
        "proposal_team_added",
        "proposal_acknowledged",
        "proposal_approved",
        "proposal_withdrawn",
        "proposal_forced",
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
    for r in s.run():
        ok(r)
    payments = "model.registry_fixture.payments"
    refunds = "model.registry_fixture.refunds"
    insert_proposal(project, "payments-ddd444", ["growth"], asset_id=payments)
    insert_proposal(project, "payments-eee555", ["growth"], asset_id=payments, status="withdrawn")
    insert_proposal(project, "payments-fff666", ["growth"], asset_id=payments, status="published")
    insert_proposal(project, "refunds-ggg777", ["growth"], asset_id=refunds)
    insert_proposal(project, "refunds-hhh888", ["growth"], asset_id=refunds)
    before = counts(project)

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
    for name, args, _ in cases:
        s.op(name, args)
    results = s.run()
    for (name, args, needles), result in zip(cases, results, strict=True):
        line = refused(result, *needles)
        assert line.startswith(f"tessera.{name}: "), (name, args, line)
        assert "allowed:" in line, line
    assert counts(project) == before

    # The real command line: exit code 1 and the same single line; nothing written.
    res = run_op(project, "acknowledge", {"proposal_id": open_id, "team": "growth"}, expect=1)
    assert tessera_line(res) == (
        "tessera.acknowledge: response is missing; allowed: approved, migrating, blocked"
    )
    res = run_op(project, "create_team", {"name": 12, "description": "x"}, expect=1)
    assert tessera_line(res).startswith("tessera.create_team: name = 12 is not a string")
    assert counts(project) == before


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

    # The command line (YAML --args, then stdout JSON under --quiet) carries them too.
    text = "quote ' semicolon ; dash -- slash \\ newline \n emoji 🎉 " + "z" * 10_000
    run_op(project, "create_team", {"name": "cli ' team", "description": text})
    assert project.query(
        "select description from {schema}.tessera_teams where name = 'cli '' team'"
    ) == [(text,)]
    res = project.dbt(
        "--quiet",
        "run-operation",
        "tessera.list_proposals",
        "--args",
        json.dumps({"format": "json", "status": "all", "team": HOSTILE[5]}, ensure_ascii=False),
    )
    doc = json.loads(res.stdout)
    assert doc["team"] == HOSTILE[5] and doc["status"] == "all"
    res = run_op(project, "create_team", {"name": "a\u0000b"}, expect=1)
    assert "contains the NUL character" in tessera_line(res)
