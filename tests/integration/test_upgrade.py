"""Upgrading over an older registry (DuckDB and PostgreSQL): migrated in place, no row lost.

tests/fixtures/legacy_registry/v0.sql is the registry as an earlier release created it
(layout version 0: two tables fewer, fewer columns everywhere) with rows in every table.
``tessera.init`` must add what is missing, keep every old row verbatim, record the
migration once, then find the registry up to date; the operations and a build then work
on the migrated registry, reading the old rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.harness import FIXTURES, REPO_ROOT, DbtProject
from tests.integration.test_gate_support import gate_project
from tests.integration.test_security import Batch, ok

pytestmark = pytest.mark.slow

NewProject = Callable[..., DbtProject]
LEGACY_SQL = FIXTURES / "legacy_registry" / "v0.sql"
INVOICES = "model.legacy_shop.invoices"


def legacy_statements() -> list[str]:
    """The fixture's statements, comments dropped."""
    text = "\n".join(
        line for line in LEGACY_SQL.read_text().splitlines() if not line.startswith("--")
    )
    return [s.strip() for s in re.split(r";\s*\n", text) if s.strip()]


def legacy_columns() -> dict[str, list[str]]:
    """table -> the columns the old layout created."""
    out: dict[str, list[str]] = {}
    for statement in legacy_statements():
        found = re.match(r"create table \{schema\}\.(\w+) \((.*)\)$", statement, re.S)
        if found:
            lines = [ln.strip().rstrip(",") for ln in found.group(2).splitlines()]
            out[found.group(1)] = [ln.split()[0] for ln in lines if ln and "(" not in ln]
    return out


def current_columns() -> dict[str, list[str]]:
    """table -> the columns of this release's layout (macros/registry/tables/*.sql)."""
    out: dict[str, list[str]] = {}
    for path in sorted((REPO_ROOT / "macros" / "registry" / "tables").glob("*.sql")):
        text = path.read_text()
        name = re.search(r"'name': '(\w+)'", text)
        assert name is not None, path
        out[name.group(1)] = re.findall(r"\('(\w+)', '(?:text|integer|timestamp|boolean)'\)", text)
    return out


def snapshot(project: DbtProject, columns: dict[str, list[str]]) -> dict[str, set[Any]]:
    """Every row of every old table, on the old columns."""
    return {
        table: set(project.query(f"select {', '.join(cols)} from {{schema}}.{table}"))
        for table, cols in columns.items()
    }


def present_columns(project: DbtProject, table: str) -> set[str]:
    rows = project.query(
        "select column_name from information_schema.columns "
        f"where table_schema = 'tessera' and table_name = '{table}'"
    )
    return {str(r[0]).lower() for r in rows}


def test_init_migrates_an_old_registry_in_place(adapter: str, new_project: NewProject) -> None:
    p = gate_project(new_project, adapter)
    p.execute("create schema tessera")
    for statement in legacy_statements():
        p.execute(statement)
    old = legacy_columns()
    assert set(old) < set(current_columns())  # the old layout lacks tables
    before = snapshot(p, old)
    assert all(before.values()), "every old table has rows"

    b = Batch(p)
    env = {"TESSERA_ACTOR": "alice"}
    first = b.op("init", {}, env=env)
    again = b.op("init", {}, env=env)
    status = b.op("status", {"model": INVOICES, "format": "json"}, env=env)
    answer = b.op(
        "acknowledge",
        {"proposal_id": "invoices-0a1b2c", "team": "growth", "response": "migrating"},
        env=env,
    )
    build = b.dbt("build", "-s", "package:gate", env=env)
    results = b.run()
    for step in results:
        ok(step)
    assert "added" in results[first].text and "tables" in results[first].text, results[first]
    assert "up to date (schema version 1)" in results[again].text, results[again]

    # Every new table and column exists.
    for table, columns in current_columns().items():
        assert set(columns) <= present_columns(p, table), table
    # Every old row is intact (the answer moved one proposal on; the build added rows).
    after = snapshot(p, old)
    for table, rows in before.items():
        if table == "tessera_proposals":
            status_at = old[table].index("status")
            rows = {r[:status_at] + r[status_at + 1 :] for r in rows}
            now = {r[:status_at] + r[status_at + 1 :] for r in after[table]}
            assert rows <= now, table
        else:
            assert rows <= after[table], (table, rows - after[table])
    assert "proposal is approved" in results[answer].text, results[answer]
    assert p.query(
        "select status from {schema}.tessera_proposals where proposal_id = 'invoices-0a1b2c'"
    ) == [("approved",)]
    assert [int(r[0]) for r in p.query("select version from {schema}.tessera_schema_version")] in (
        [0, 1],
        [1, 0],
    )
    migrated = p.query(
        "select action, details_json from {schema}.tessera_audit_log "
        "where entity_type = 'registry' order by occurred_at"
    )
    assert [m[0] for m in migrated] == ["registry_migrated"]
    details = json.loads(migrated[0][1])
    layout = current_columns()
    assert set(details["created_tables"]) == set(layout) - set(old)
    assert set(details["added_columns"]) == {
        f"{table}.{column}"
        for table, columns in old.items()
        for column in layout[table]
        if column not in columns
    }

    # The operations read the old rows: the legacy asset, its consumers and proposal.
    printed = [m for m in results[status].messages if m.startswith("{")]
    assert len(printed) == 1, results[status]
    asset = json.loads(printed[0])["assets"][0]
    assert asset["asset_id"] == INVOICES and asset["owner_team"] == "billing"
    assert "growth" in {c["team"] for c in asset["consumers"]}
    assert [x["proposal_id"] for x in asset["open_proposals"]] == ["invoices-0a1b2c"]
    # The build publishes this project's first versions next to the old ones; another
    # project's assets are neither judged nor touched.
    assert "published model.gate.orders 1.0.0" in results[build].text, results[build]
    versions = p.query(
        "select asset_id, version from {schema}.tessera_contracts "
        f"where asset_id = '{INVOICES}' order by version"
    )
    assert versions == [(INVOICES, "1.0.0"), (INVOICES, "1.1.0")]
