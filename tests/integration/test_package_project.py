"""The package's own test project, ``integration_tests/``, built with real dbt on DuckDB.

It installs the package as a user does (``packages.yml``: ``local: ../``) and overrides
``tessera.current_actor`` through its ``dispatch:`` config. In one project this checks:

- the user's override of a dispatched ``tessera`` macro is honoured;
- ``tessera.vocabulary()`` equals ``tessera_dbt/core/vocab.py``;
- the one writer of ``tessera_proposals.status`` refuses a transition not in the vocabulary;
- parity: every rule that exists in both languages gives the same answer in Python and in
  its macro, on the case tables of ``tests/parity/`` (all run in one dbt invocation).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tessera_dbt.core import vocab
from tessera_dbt.core.extract import Group, resolve_owner
from tessera_dbt.core.gate import Registration, affected_by_stored, tally_answers
from tests.harness import REPO_ROOT, DbtProject, write_profiles

pytestmark = pytest.mark.duckdb

PARITY = REPO_ROOT / "tests" / "parity"
PACKAGE_FILES = ("dbt_project.yml", "macros", "models")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtProject]:
    """integration_tests/ next to a package folder that links to this repository's package,
    so its ``local: ../`` resolves exactly as in the repository."""
    root = tmp_path_factory.mktemp("package")
    for name in PACKAGE_FILES:
        (root / name).symlink_to(REPO_ROOT / name)
    project_dir = root / "integration_tests"
    shutil.copytree(
        REPO_ROOT / "integration_tests",
        project_dir,
        ignore=shutil.ignore_patterns(
            "target", "dbt_packages", "logs", "*.duckdb*", "profiles.yml"
        ),
    )
    assert yaml.safe_load((project_dir / "packages.yml").read_text()) == {
        "packages": [{"local": "../"}]
    }
    profiles = root / "profiles"
    write_profiles(profiles, project_dir, "duckdb")
    p = DbtProject(project_dir, "duckdb", profiles)
    p.dbt("deps")
    yield p


def _line(output: str, tag: str) -> Any:
    line = next(x for x in output.splitlines() if f"{tag} " in x)
    return json.loads(line.split(f"{tag} ", 1)[1])


def test_a_users_dispatch_override_of_a_tessera_macro_is_honoured(project: DbtProject) -> None:
    project.dbt("build")
    project.run_operation("create_team", {"name": "growth"})
    actors = project.query(
        "select distinct actor from {schema}.tessera_audit_log where action = 'team_created'"
    )
    assert actors == [("integration-tests-actor",)]
    # The build's on-run-end published the contract under the same actor.
    assert project.query(
        "select published_by from {schema}.tessera_contracts "
        "where asset_id = 'model.integration_tests.widgets'"
    ) == [("integration-tests-actor",)]


def test_the_status_writer_refuses_a_transition_the_vocabulary_lacks(project: DbtProject) -> None:
    ok = project.dbt(
        "run-operation", "try_transition", "--args", "{previous: pending, status: approved}"
    )
    assert "STATEMENTS 2" in ok.stdout  # the update and its audit row
    refused = project.dbt(
        "run-operation",
        "try_transition",
        "--args",
        "{previous: withdrawn, status: pending}",
        expect=1,
    )
    assert 'proposal "p-1" cannot go from "withdrawn" to "pending"' in refused.output
    assert "STATEMENTS" not in refused.stdout


def _python(rule: str, case: dict[str, Any]) -> Any:
    if rule == "affected_by":
        r = case["registration"]
        reg = Registration(
            team=r["team"],
            source=vocab.as_source(r["source"]),
            columns=tuple(r["columns"]) if r.get("columns") else None,
            pinned_major=r.get("pinned_major"),
        )
        return affected_by_stored(reg, case.get("owner"), case["changes"], case["base_version"])
    if rule == "model_owner":
        groups = {
            name: Group(f"group.p.{name}", name, "p", owner, None)
            for name, owner in case["groups"].items()
        }
        return resolve_owner(
            case["spec"], case["group"], groups, case["default_owner"], case.get("team")
        )[0]
    if rule == "answers_status":
        t = tally_answers(case["teams"], case["answers"])
        return {"status": t.status, "blocked": list(t.blocked), "waiting": list(t.waiting)}
    raise AssertionError(f"no Python side for {rule}")


def _tables() -> dict[str, list[dict[str, Any]]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(PARITY.glob("*.yml"))
    }


def test_rules_in_both_languages_agree_and_so_does_the_vocabulary(project: DbtProject) -> None:
    tables = _tables()
    assert set(tables) == {"affected_by", "model_owner", "answers_status"}
    res = project.dbt("run-operation", "parity", "--args", json.dumps({"tables": tables}))
    from_jinja = _line(res.stdout, "PARITY")
    for rule, cases in tables.items():
        for case, got in zip(cases, from_jinja[rule], strict=True):
            expected = case["expect"]
            assert _python(rule, case) == expected, (rule, case["name"], "python")
            assert got == expected, (rule, case["name"], "jinja")
    assert _line(res.stdout, "VOCABULARY") == vocab.vocabulary()


def test_the_case_tables_are_well_formed() -> None:
    for rule, cases in _tables().items():
        assert len(cases) >= 5, rule
        assert len({c["name"] for c in cases}) == len(cases), rule
        assert all("expect" in c for c in cases), rule


def test_the_project_is_the_one_in_the_repository() -> None:
    assert (REPO_ROOT / "integration_tests" / "dbt_project.yml").is_file()
    spec = yaml.safe_load((REPO_ROOT / "integration_tests" / "dbt_project.yml").read_text())
    assert spec["dispatch"] == [
        {"macro_namespace": "tessera", "search_order": ["integration_tests", "tessera"]}
    ]
    assert Path(REPO_ROOT / "integration_tests" / "macros" / "current_actor.sql").is_file()
