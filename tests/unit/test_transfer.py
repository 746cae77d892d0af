"""The export document (tessera_dbt.core.transfer): writer, streaming reader, validation, merge."""

from __future__ import annotations

import io
import json
import shlex
from pathlib import Path

import pytest
import yaml

from tessera_dbt.core.transfer import (
    ExportFileError,
    ExportWriter,
    Importer,
    TableSpec,
    is_bookkeeping,
    open_export,
    row_digest,
    utc_iso,
    yaml_safe_json,
)

HOSTILE = "O'Brien \\'); drop table t; -- {{ x }} \u2028 🎉 \x07\"\n end"
SPECS = [
    TableSpec("tessera_schema_version", ("version", "applied_at"), ("integer", "timestamp")),
    TableSpec(
        "tessera_teams",
        ("name", "description", "created_at", "active"),
        ("text", "text", "timestamp", "boolean"),
        ("name",),
    ),
    TableSpec("tessera_empty", ("a",), ("text",)),
    TableSpec("tessera_audit_log", ("event_id", "action"), ("text", "text")),
]
TEAMS = [
    ["a-team", None, "2026-01-01T00:00:00.000000Z", True],
    [HOSTILE, HOSTILE, "2026-01-02T03:04:05.123456Z", False],
]


def write(path: Path, pages: dict[str, list[list[object]]]) -> str:
    out = io.StringIO()
    writer = ExportWriter(out)
    writer.header(
        {"adapter": "duckdb", "database": "w", "schema": "tessera"},
        SPECS,
        "2026-01-01T00:00:00.000000Z",
    )
    for name, rows in pages.items():
        for n in range(0, len(rows), 1):  # one row per page: pages of one table join up
            writer.rows(name, rows[n : n + 1])
    writer.close()
    path.write_text(out.getvalue(), encoding="utf-8")
    return out.getvalue()


def test_writer_output_is_the_documented_json(tmp_path: Path) -> None:
    text = write(
        tmp_path / "a.json",
        {"tessera_schema_version": [[1, "2026-01-01T00:00:00.000000Z"]], "tessera_teams": TEAMS},
    )
    doc = json.loads(text)
    assert doc["format_version"] == 1
    assert list(doc["tables"]) == [s.name for s in SPECS]  # every table, in order
    assert doc["tables"]["tessera_teams"]["rows"] == TEAMS
    assert doc["tables"]["tessera_empty"] == {"columns": ["a"], "rows": []}
    # One row per line: the reader streams it.
    assert text.count("\n") > 10


def test_streaming_and_whole_reading_agree(tmp_path: Path) -> None:
    write(tmp_path / "a.json", {"tessera_teams": TEAMS})
    streamed = open_export(tmp_path / "a.json")
    assert streamed._document is None
    assert list(streamed.rows("tessera_teams")) == TEAMS
    # The same JSON in another layout (jq, a text editor) is read whole.
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    (tmp_path / "b.json").write_text(json.dumps(doc, indent=4), encoding="utf-8")
    whole = open_export(tmp_path / "b.json")
    assert whole._document is not None
    assert list(whole.all_rows()) == list(streamed.all_rows())
    assert [(t.name, t.count) for t in whole.tables] == [(t.name, t.count) for t in streamed.tables]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda t: t[: len(t) // 2], "not a complete JSON document (truncated"),
        (lambda t: t[:-3], "not a complete JSON document (truncated"),
        (
            lambda t: t.replace('"format_version": 1', '"format_version": 7'),
            "newer Tessera (format_version 7)",
        ),
        (
            lambda t: t.replace('"format_version": 1', '"format_version": "1"'),
            'format_version = "1" is not allowed',
        ),
        (lambda t: "[1, 2]", "is not a Tessera export"),
        (lambda t: "", "not a complete JSON document"),
    ],
)
def test_bad_files_are_one_line(tmp_path: Path, damage: object, message: str) -> None:
    text = write(tmp_path / "a.json", {"tessera_teams": TEAMS})
    (tmp_path / "bad.json").write_text(damage(text), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(ExportFileError) as err:
        Importer(open_export(tmp_path / "bad.json"), SPECS).plan()
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_newer_truncated_file_is_named_as_newer(tmp_path: Path) -> None:
    text = write(tmp_path / "a.json", {"tessera_teams": TEAMS}).replace(
        '"format_version": 1', '"format_version": 2'
    )
    (tmp_path / "bad.json").write_text(text[:200], encoding="utf-8")
    with pytest.raises(ExportFileError, match="newer Tessera"):
        open_export(tmp_path / "bad.json")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["x", None, 5, True], "rows[0] (created_at) = 5 is not allowed; allowed: an ISO-8601"),
        (["x", None, "yesterday", True], '(created_at) = "yesterday" is not allowed'),
        ([1, None, None, True], "(name) = 1 is not allowed; allowed: text or null"),
        (["x", None, None, "yes"], '(active) = "yes" is not allowed; allowed: true, false or null'),
        (["x", None, None], "rows[0] is not allowed; allowed: a list of 4 values"),
        ("x", "rows[0] is not allowed"),
        (["x\x00", None, None, True], "contains NUL"),
    ],
)
def test_wrong_types_name_table_row_and_column(tmp_path: Path, row: object, message: str) -> None:
    doc = json.loads(write(tmp_path / "a.json", {}))
    doc["tables"]["tessera_teams"]["rows"] = [row]
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ExportFileError) as err:
        Importer(open_export(tmp_path / "bad.json"), SPECS).plan()
    assert f"tables.tessera_teams.{message}" in str(err.value) or message in str(err.value)


def test_unknown_tables_and_columns_are_refused(tmp_path: Path) -> None:
    doc = json.loads(write(tmp_path / "a.json", {}))
    doc["tables"]["tessera_nope"] = {"columns": [], "rows": []}
    (tmp_path / "t.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ExportFileError, match="'tessera_nope' is not a registry table"):
        Importer(open_export(tmp_path / "t.json"), SPECS)
    doc["tables"].pop("tessera_nope")
    doc["tables"]["tessera_teams"]["columns"] = ["name", "colour"]
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ExportFileError, match="allowed: distinct columns of tessera_teams"):
        Importer(open_export(tmp_path / "c.json"), SPECS)


def test_missing_columns_are_null_and_timestamps_normalised(tmp_path: Path) -> None:
    doc = json.loads(write(tmp_path / "a.json", {}))
    doc["tables"]["tessera_teams"] = {
        "columns": ["created_at", "name"],
        "rows": [["2026-01-02T04:04:05+01:00", "x"], ["2026-01-02 03:04:05", "y"]],
    }
    (tmp_path / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    importer = Importer(open_export(tmp_path / "a.json"), SPECS)
    assert list(importer.rows_to_write()) == [
        ("tessera_teams", ["x", None, "2026-01-02T03:04:05.000000Z", None]),
        ("tessera_teams", ["y", None, "2026-01-02T03:04:05.000000Z", None]),
    ]


def test_merge_adds_absent_keys_skips_identical_rows_and_reports_conflicts(tmp_path: Path) -> None:
    write(tmp_path / "a.json", {"tessera_teams": TEAMS, "tessera_audit_log": [["e1", "x"]]})
    teams, audit = SPECS[1], SPECS[3]
    existing = {
        "tessera_teams": {teams.row_key(TEAMS[0]): row_digest(TEAMS[0])},
        "tessera_audit_log": {audit.row_key(["e1", "x"]): row_digest(["e1", "x"])},
    }
    plan = Importer(open_export(tmp_path / "a.json"), SPECS, existing).plan()
    assert plan.new == {"tessera_teams": 1} and plan.conflict_count == 0
    assert plan.same == {"tessera_teams": 1, "tessera_audit_log": 1}
    changed = [*TEAMS[0][:1], "other", *TEAMS[0][2:]]
    existing["tessera_teams"] = {teams.row_key(changed): row_digest(changed)}
    plan = Importer(open_export(tmp_path / "a.json"), SPECS, existing).plan()
    assert plan.conflict_count == 1 and plan.conflicts == ['tessera_teams ["a-team"]']


def test_a_repeated_key_in_the_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.json", {"tessera_teams": [TEAMS[0], TEAMS[0]]})
    with pytest.raises(ExportFileError, match="repeats the key"):
        Importer(open_export(tmp_path / "a.json"), SPECS).plan()


def test_bookkeeping_rows() -> None:
    audit = TableSpec("tessera_audit_log", ("event_id", "action"), ("text", "text"))
    assert is_bookkeeping(audit, ["e", "registry_initialized"])
    assert not is_bookkeeping(audit, ["e", "team_created"])
    assert is_bookkeeping(SPECS[0], [1, None])
    assert not is_bookkeeping(SPECS[1], TEAMS[0])


def test_utc_iso() -> None:
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 1, 2, 4, 4, 5, 7, tzinfo=timezone(timedelta(hours=1)))
    assert utc_iso(moment) == "2026-01-02T03:04:05.000007Z"


@pytest.mark.parametrize("text", [HOSTILE, "\x7f\x85\ufeff\uffff", "é日本🎉", "plain"])
def test_yaml_safe_json_reads_back_verbatim(text: str) -> None:
    value = {"tables": {"t": {"rows": [[text, 1, None, True]]}}}
    assert yaml.load(yaml_safe_json(value), Loader=yaml.SafeLoader) == value
    assert shlex.split(shlex.quote(yaml_safe_json(value))) == [yaml_safe_json(value)]
