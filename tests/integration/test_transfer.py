"""``tessera export`` / ``tessera import`` on real registries (DuckDB and PostgreSQL).

One scenario per direction (every dbt call costs seconds): a registry with a published
history, a hostile team name and note, an open proposal and an answer is exported, imported
into an empty registry on the other adapter and exported again; the two documents are the
same once the target's own bookkeeping (its creation rows and the import's audit event) is
set aside. Bad files and non-empty targets are refused in one line and write nothing;
``--merge`` adds only the missing rows and refuses conflicts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera_dbt.core.transfer import yaml_safe_json
from tests.harness import DbtProject, DbtResult
from tests.integration.test_gate_support import gate_project, open_proposal, write_model

pytestmark = pytest.mark.slow

ORDERS = "model.gate.orders"
ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")
# Quotes, a backslash, SQL, Jinja, a line separator, an emoji and a control character.
HOSTILE = "O'Brien \\'); drop table tessera_teams; -- {{ x }} \u2028 🎉 日本 \x07\"end"


def ops(project: DbtProject, *steps: tuple[str, dict[str, Any]]) -> DbtResult:
    """Several operations in one dbt call, with arguments YAML reads back verbatim."""
    payload = {"ops": [{"op": op, "args": args} for op, args in steps]}
    return project.dbt("run-operation", "gate_ops", "--args", yaml_safe_json(payload))


def populate(p: DbtProject) -> str:
    """A registry with history, a hostile consumer, an open proposal and an answer."""
    p.dbt("run")
    ops(
        p,
        ("create_team", {"name": HOSTILE, "description": HOSTILE}),
        ("register_consumer", {"model": "orders", "team": HOSTILE, "note": HOSTILE}),
    )
    write_model(p, "orders", [ORDER_ID, AMOUNT])
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0, str(blocked)
    pid = open_proposal(p, ORDERS)
    ops(
        p,
        (
            "acknowledge",
            {"proposal_id": pid, "team": HOSTILE, "response": "migrating", "note": HOSTILE},
        ),
    )
    return pid


def export(p: DbtProject, path: Path) -> dict[str, Any]:
    res = p.tessera("export", "--output", str(path))
    assert "tessera export: wrote" in res.stderr, str(res)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def bookkeeping(document: dict[str, Any], other: dict[str, Any]) -> dict[str, list[Any]]:
    """Rows of ``document`` not in ``other``, per table."""
    out: dict[str, list[Any]] = {}
    for name, table in document["tables"].items():
        theirs = {json.dumps(r) for r in other["tables"][name]["rows"]}
        extra = [r for r in table["rows"] if json.dumps(r) not in theirs]
        if extra:
            out[name] = extra
    return out


def without(document: dict[str, Any], extra: dict[str, list[Any]]) -> str:
    """The tables of a document without the given rows, as canonical text."""
    tables = {}
    for name, table in document["tables"].items():
        drop = {json.dumps(r) for r in extra.get(name, [])}
        rows = [r for r in table["rows"] if json.dumps(r) not in drop]
        tables[name] = {"columns": table["columns"], "rows": rows}
    return json.dumps(tables, ensure_ascii=False, sort_keys=False)


def assert_round_trip(first: dict[str, Any], second: dict[str, Any]) -> None:
    """``second`` (export of the import of ``first``) is ``first`` plus only the target's
    creation rows and one import event."""
    extra = bookkeeping(second, first)
    assert set(extra) == {"tessera_schema_version", "tessera_audit_log"}, extra
    assert len(extra["tessera_schema_version"]) == 1
    audit_columns = second["tables"]["tessera_audit_log"]["columns"]
    actions = sorted(r[audit_columns.index("action")] for r in extra["tessera_audit_log"])
    assert actions == ["registry_imported", "registry_initialized"], extra
    assert bookkeeping(first, second) == {}
    assert without(second, extra) == without(first, {})
    assert list(second["tables"]) == list(first["tables"])


def registry_counts(p: DbtProject) -> dict[str, int]:
    tables = [
        "tessera_teams",
        "tessera_assets",
        "tessera_contracts",
        "tessera_registrations",
        "tessera_proposals",
        "tessera_acknowledgements",
        "tessera_audit_log",
    ]
    return {t: p.count(t) for t in tables}


@pytest.mark.postgres
@pytest.mark.parametrize("source_adapter", ["duckdb", "postgres"])
def test_round_trip_between_adapters(
    source_adapter: str, new_project: Callable[..., DbtProject], tmp_path: Path
) -> None:
    target_adapter = "postgres" if source_adapter == "duckdb" else "duckdb"
    src = gate_project(new_project, source_adapter)
    pid = populate(src)
    first = export(src, tmp_path / "first.json")
    assert first["format_version"] == 1
    assert first["source"]["adapter"] == source_adapter
    teams = first["tables"]["tessera_teams"]
    assert HOSTILE in [r[teams["columns"].index("name")] for r in teams["rows"]]
    proposals = first["tables"]["tessera_proposals"]
    assert [r[0] for r in proposals["rows"]] == [pid]
    # Every timestamp is UTC ISO-8601 with microseconds.
    contracts = first["tables"]["tessera_contracts"]
    published_at = contracts["rows"][0][contracts["columns"].index("published_at")]
    assert published_at.endswith("Z") and "T" in published_at and len(published_at) == 27

    dst = gate_project(new_project, target_adapter)
    res = dst.tessera("import", str(tmp_path / "first.json"))
    assert "rows imported" in res.stdout, str(res)
    second = export(dst, tmp_path / "second.json")
    assert second["source"]["adapter"] == target_adapter
    assert_round_trip(first, second)
    # The import is one audit event naming the source and the rows per table.
    details = json.loads(
        dst.query(
            "select details_json from {schema}.tessera_audit_log where action = 'registry_imported'"
        )[0][0]
    )
    assert details["file_source"]["adapter"] == source_adapter
    assert details["rows"]["tessera_teams"] == len(teams["rows"])
    assert details["merge"] is False
    # The imported registry works: the proposal is still open and answered.
    status = dst.tessera("proposal", "show", pid, "--format", "json")
    shown = json.loads(status.stdout)
    assert shown["status"] == "approved"  # migrating counts as agreement
    assert [t["response"] for t in shown["teams"]] == ["migrating"]
    assert shown["teams"][0]["note"] == HOSTILE

    # Into a registry that is not empty: refused in one line, nothing written.
    before = registry_counts(dst)
    refused = dst.tessera("import", str(tmp_path / "first.json"), expect=2)
    assert refused.stderr.count("\n") == 1 and "is not empty" in refused.stderr, str(refused)
    assert "--merge" in refused.stderr
    assert registry_counts(dst) == before

    # --merge of the same file: every row is there already; only the import event is new.
    merged = dst.tessera("import", "--merge", str(tmp_path / "first.json"))
    assert "0 rows imported" in merged.stdout, str(merged)
    after = registry_counts(dst)
    assert after["tessera_audit_log"] == before["tessera_audit_log"] + 1
    assert {**after, "tessera_audit_log": 0} == {**before, "tessera_audit_log": 0}

    # --merge with a conflict (same key, other content) writes nothing and names it.
    changed = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    rows = changed["tables"]["tessera_teams"]["rows"]
    rows[0][changed["tables"]["tessera_teams"]["columns"].index("description")] = "other"
    new_team = list(rows[0])
    new_team[0] = "zz-new-team"
    rows.append(new_team)
    (tmp_path / "conflict.json").write_text(json.dumps(changed), encoding="utf-8")
    before = registry_counts(dst)
    refused = dst.tessera("import", "--merge", str(tmp_path / "conflict.json"), expect=2)
    assert "1 row(s)" in refused.stderr and "tessera_teams" in refused.stderr, str(refused)
    assert "nothing written" in refused.stderr
    assert registry_counts(dst) == before

    # Without the conflict the merge adds exactly the missing team.
    rows[0] = first["tables"]["tessera_teams"]["rows"][0]
    (tmp_path / "merge.json").write_text(json.dumps(changed, indent=1), encoding="utf-8")
    merged = dst.tessera("import", "--merge", str(tmp_path / "merge.json"))
    assert "1 rows imported" in merged.stdout, str(merged)
    assert dst.count("tessera_teams") == before["tessera_teams"] + 1


BAD_FILES: list[tuple[str, Callable[[str], str], str]] = [
    (
        "newer",
        lambda text: text.replace('"format_version": 1', '"format_version": 2', 1),
        "newer Tessera (format_version 2)",
    ),
    ("truncated", lambda text: text[: len(text) // 2], "truncated"),
    (
        "wrong type",
        lambda text: text.replace('"rows": [\n        [1,', '"rows": [\n        ["one",', 1),
        "tables.tessera_schema_version.rows[0] (version)",
    ),
    ("not json", lambda text: "hello", "not a complete JSON document"),
    (
        "unknown table",
        lambda text: text.replace('"tessera_teams": {', '"tessera_nope": {', 1),
        "'tessera_nope' is not a registry table",
    ),
]


def test_bad_files_write_nothing(new_project: Callable[..., DbtProject], tmp_path: Path) -> None:
    src = gate_project(new_project, "duckdb")
    src.dbt("run")
    good = tmp_path / "good.json"
    export(src, good)
    text = good.read_text(encoding="utf-8")
    dst = gate_project(new_project, "duckdb")
    dst.run_operation("init")
    before = registry_counts(dst)
    for label, damage, message in BAD_FILES:
        bad = tmp_path / f"{label.replace(' ', '_')}.json"
        bad.write_text(damage(text), encoding="utf-8")
        res = dst.tessera("import", str(bad), expect=2)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (label, str(res))
        assert registry_counts(dst) == before, label
    # The good file still imports (the refusals left no staging behind that matters).
    dst.tessera("import", str(good))
    assert dst.count("tessera_assets") == src.count("tessera_assets")


def test_large_tables_stream_in_pages_and_batches(
    new_project: Callable[..., DbtProject], tmp_path: Path
) -> None:
    """5,000 audit rows: several export pages and several import batches (one commit)."""
    src = gate_project(new_project, "duckdb")
    src.run_operation("init")
    src.execute(
        "insert into {schema}.tessera_audit_log (event_id, occurred_at, actor, action, "
        "entity_type, entity_id, details_json, invocation_id) "
        "select 'e' || lpad(cast(i as varchar), 6, '0'), timestamp '2026-01-01' + i * interval 1 second, "
        "'bench', 'bench_event', 'team', 't' || cast(i % 7 as varchar), '{\"i\": ' || cast(i as varchar) || '}', null "
        "from range(5000) as t(i)"
    )
    first = export(src, tmp_path / "big.json")
    audit = first["tables"]["tessera_audit_log"]
    assert len(audit["rows"]) == 5001
    ids = [r[0] for r in audit["rows"]]
    assert ids == sorted(ids)  # key order
    dst = gate_project(new_project, "duckdb")
    dst.tessera("import", str(tmp_path / "big.json"))
    assert dst.count("tessera_audit_log") == 5001 + 2  # + its creation and the import event
    second = export(dst, tmp_path / "big2.json")
    assert_round_trip(first, second)
