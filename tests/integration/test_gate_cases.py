"""Every breaking case of dbt-core's ``state:modified.contract`` blocks, narrowing blocks too,
safe changes pass (DuckDB and PostgreSQL), and the commands the gate must never block run
while a change is blocked (DuckDB).

One project holds one model per case, each consumed by the team ``growth``: a first run
publishes 1.0.0, the safe edits ship in a second run, then every breaking edit is applied at
once and one run must refuse to start, naming each case. Each of these is a step (a test) on
one module-scoped project per adapter; a failing step skips the later ones, saying so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.harness import DbtProject
from tests.integration.test_gate_support import (
    check_report,
    gate_project,
    models_ran,
    published,
    setup_consumers,
    verdicts,
)

pytestmark = [pytest.mark.slow, pytest.mark.steps]


@dataclass(frozen=True)
class Case:
    """A model before and after an edit: (SQL, yml entry) each; ``None`` after = deleted."""

    name: str
    before_sql: str
    before: dict[str, Any]
    after_sql: str | None
    after: dict[str, Any] | None
    expect: str  # the verdict after the edit
    words: tuple[str, ...] = field(default=())  # in the block message


def _cols(*cols: tuple[str, str], **extra: Any) -> list[dict[str, Any]]:
    out = [{"name": n, "data_type": t} for n, t in cols]
    for name, props in extra.items():
        next(c for c in out if c["name"] == name).update(props)
    return out


def _model(name: str, columns: list[dict[str, Any]], **config: Any) -> dict[str, Any]:
    return {"name": name, "config": {"contract": {"enforced": True}, **config}, "columns": columns}


NN = {"constraints": [{"type": "not_null"}]}
ID_SQL = "select cast(1 as integer) as id"
ID_A_SQL = "select cast(1 as integer) as id, cast('ab' as varchar(20)) as a"
ID_A = _cols(("id", "integer"), ("a", "varchar(20)"))

BREAKING = (
    Case(
        "c_removed_column",
        ID_A_SQL,
        _model("c_removed_column", ID_A),
        ID_SQL,
        _model("c_removed_column", _cols(("id", "integer"))),
        "blocked",
        ("column a was removed",),
    ),
    Case(
        "c_type_change",
        ID_A_SQL,
        _model("c_type_change", ID_A),
        "select cast(1 as integer) as id, cast(1 as integer) as a",
        _model("c_type_change", _cols(("id", "integer"), ("a", "integer"))),
        "blocked",
    ),
    Case(
        "c_column_constraint",
        ID_SQL,
        _model("c_column_constraint", _cols(("id", "integer"), id=NN)),
        ID_SQL,
        _model("c_column_constraint", _cols(("id", "integer"))),
        "blocked",
        ("not_null",),
    ),
    Case(
        "c_model_constraint",
        ID_SQL,
        {
            **_model("c_model_constraint", _cols(("id", "integer"), id=NN)),
            "constraints": [{"type": "primary_key", "columns": ["id"]}],
        },
        ID_SQL,
        _model("c_model_constraint", _cols(("id", "integer"), id=NN)),
        "blocked",
        ("primary_key",),
    ),
    Case(
        "c_table_to_view",
        ID_SQL,
        _model("c_table_to_view", _cols(("id", "integer"), id=NN)),
        ID_SQL,
        _model("c_table_to_view", _cols(("id", "integer"), id=NN), materialized="view"),
        "blocked",
    ),
    Case(
        "c_enforcement_off",
        ID_SQL,
        _model("c_enforcement_off", _cols(("id", "integer"))),
        ID_SQL,
        {
            "name": "c_enforcement_off",
            "config": {"contract": {"enforced": False}},
            "columns": _cols(("id", "integer")),
        },
        "blocked",
        ("c_enforcement_off",),
    ),
    Case(
        "c_deleted",
        ID_SQL,
        _model("c_deleted", _cols(("id", "integer"))),
        None,
        None,
        "blocked",
        ("model c_deleted was deleted",),
    ),
    Case(
        "c_disabled",
        ID_SQL,
        _model("c_disabled", _cols(("id", "integer"))),
        ID_SQL,
        _model("c_disabled", _cols(("id", "integer")), enabled=False),
        "blocked",
        ("model c_disabled was disabled",),
    ),
    Case(
        "c_varchar_narrowed",
        ID_A_SQL,
        _model("c_varchar_narrowed", ID_A),
        "select cast(1 as integer) as id, cast('ab' as varchar(4)) as a",
        _model("c_varchar_narrowed", _cols(("id", "integer"), ("a", "varchar(4)"))),
        "blocked",
    ),
    Case(
        "c_numeric_narrowed",
        "select cast(1.5 as numeric(10,2)) as n",
        _model("c_numeric_narrowed", _cols(("n", "numeric(10,2)"))),
        "select cast(1.5 as numeric(8,2)) as n",
        _model("c_numeric_narrowed", _cols(("n", "numeric(8,2)"))),
        "blocked",
    ),
    # Past its deprecation_date, a contracted model may go: retired, not blocked.
    Case(
        "c_deprecated_deleted",
        ID_SQL,
        {
            **_model("c_deprecated_deleted", _cols(("id", "integer"))),
            "deprecation_date": "2020-01-01",
        },
        None,
        None,
        "retired",
    ),
)
SAFE = (
    Case(
        "s_new_nullable_column",
        ID_SQL,
        _model("s_new_nullable_column", _cols(("id", "integer"))),
        ID_A_SQL,
        _model("s_new_nullable_column", ID_A),
        "compatible",
    ),
    Case(
        "s_widened_varchar",
        ID_A_SQL,
        _model("s_widened_varchar", ID_A),
        "select cast(1 as integer) as id, cast('ab' as varchar(100)) as a",
        _model("s_widened_varchar", _cols(("id", "integer"), ("a", "varchar(100)"))),
        "compatible",
    ),
    Case(
        "s_description",
        ID_SQL,
        _model("s_description", _cols(("id", "integer"))),
        ID_SQL,
        _model("s_description", _cols(("id", "integer"), id={"description": "The key."})),
        "compatible",
    ),
)
SAFE_VERSIONS = {
    "s_new_nullable_column": "1.1.0",
    "s_widened_varchar": "1.1.0",
    "s_description": "1.0.1",
}


def _cases_project(new_project: Callable[..., DbtProject], adapter: str) -> DbtProject:
    p = gate_project(new_project, adapter)
    for case in (*BREAKING, *SAFE):
        p.write(f"models/cases/{case.name}.sql", case.before_sql + "\n")
    p.write_yaml("models/cases/_cases.yml", {"models": [c.before for c in (*BREAKING, *SAFE)]})
    return p


def _apply(project: DbtProject, cases: tuple[Case, ...]) -> None:
    data = project.read_yaml("models/cases/_cases.yml")
    by_name = {c.name: c for c in cases}
    entries = []
    for entry in data["models"]:
        case = by_name.get(entry["name"])
        if case is None:
            entries.append(entry)
            continue
        path = f"models/cases/{case.name}.sql"
        if case.after_sql is None:
            (project.dir / path).unlink()
        else:
            project.write(path, case.after_sql + "\n")
        if case.after is not None:
            entries.append(case.after)
    project.write_yaml("models/cases/_cases.yml", {"models": entries})


def _asset(name: str) -> str:
    return f"model.gate.{name}"


EVERY = [c.name for c in (*BREAKING, *SAFE)]


@pytest.fixture(scope="module")
def cases_project(module_adapter: str, module_project: Callable[..., DbtProject]) -> DbtProject:
    return _cases_project(module_project, module_adapter)


def test_01_the_first_run_publishes_every_case(cases_project: DbtProject) -> None:
    p = cases_project
    p.dbt("run")
    assert all(published(p).get(_asset(n)) == ["1.0.0"] for n in EVERY), published(p)
    setup_consumers(p, "growth", EVERY)


def test_02_safe_edits_ship(cases_project: DbtProject) -> None:
    p = cases_project
    _apply(p, SAFE)
    p.dbt("run")
    got = verdicts(p)
    for case in SAFE:
        assert got[_asset(case.name)] == case.expect, case.name
        assert published(p)[_asset(case.name)][-1] == SAFE_VERSIONS[case.name], case.name


def test_03_breaking_edits_block_one_run_naming_each_case(cases_project: DbtProject) -> None:
    p = cases_project
    _apply(p, BREAKING)
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0, blocked
    assert not models_ran(blocked)
    got = verdicts(p)
    wrong = {
        c.name: got.get(_asset(c.name)) for c in BREAKING if got.get(_asset(c.name)) != c.expect
    }
    assert not wrong, wrong
    for case in BREAKING:
        if case.expect == "blocked":
            assert f"Model {case.name} ({_asset(case.name)})" in blocked.stdout, case.name
            for words in case.words:
                assert words in blocked.stdout, (case.name, words)
    assert "c_deprecated_deleted" not in blocked.stdout


def test_04_commands_that_run_no_model_pass_while_blocked(cases_project: DbtProject) -> None:
    p = cases_project
    if p.adapter != "duckdb":
        pytest.skip("DuckDB only: the hooks' logic is the same on every adapter")
    # Both fire the on-run-start hook.
    for command in (["compile", "-s", "other"], ["test"]):
        p.dbt(*command, expect=0)


def test_05_diff_of_a_blocked_model(cases_project: DbtProject) -> None:
    p = cases_project
    if p.adapter != "duckdb":
        pytest.skip("DuckDB only: the operation's logic is the same on every adapter")
    # The blocked model's diff against its latest published version, readable and as JSON.
    text = p.run_operation("diff", {"model": "c_removed_column"})
    assert "column a was removed" in text.stdout and "breaking" in text.stdout
    doc = p.run_operation("diff", {"model": "c_removed_column", "format": "json"})
    printed = json.loads(_printed_json(doc.stdout))
    assert printed["asset_id"] == _asset("c_removed_column")
    assert printed["from_version"] == "1.0.0" and printed["breaking"] is True
    assert [c["kind"] for c in printed["changes"]] == ["column_removed"]
    bad = p.run_operation(
        "diff", {"model": "c_removed_column", "from_version": "9.9.9"}, expect=None
    )
    assert bad.returncode != 0 and "9.9.9" in bad.stdout
    assert check_report(p)["command"] == "run-operation"


def _printed_json(stdout: str) -> str:
    """The one JSON document a run-operation printed (print() lines carry no timestamp)."""
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, stdout
    return lines[0]
