"""The in-process runner (tests/harness.py) behaves like the executables it stands in for.

Most tests run dbt and the ``tessera`` CLI in the test's own process. These tests run the
same commands both ways and compare what a test can observe: exit codes (0, 1 for a failed
result, 2 for an error or a usage error), the console text (timestamps and durations
aside), ``print()`` output under ``--quiet``, and the one-line errors of the CLI. They also
check that invocations in one process do not leak into each other: two projects on two
adapters in a row, flags, ``--vars``, environment variables, and the working directory.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness import DbtProject, DbtResult

pytestmark = [pytest.mark.slow]

NewProject = Callable[..., DbtProject]


def _normalized(text: str) -> list[str]:
    """Console lines without what differs between two runs of the same command."""
    text = re.sub(r"\d\d:\d\d:\d\d", "HH:MM:SS", text)
    text = re.sub(r"\d+(\.\d+)? ?(seconds|s)\b", "N s", text)
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "UUID", text)
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _both(project: DbtProject, *args: str, **kw: object) -> tuple[DbtResult, DbtResult]:
    inproc = project.dbt(*args, expect=None, **kw)  # type: ignore[arg-type]
    sub = project.dbt(*args, expect=None, subprocess=True, **kw)  # type: ignore[arg-type]
    return inproc, sub


def test_dbt_exit_codes_and_output_match_the_executable(new_project: NewProject) -> None:
    p = new_project("duckdb", template="gate")
    # A successful command, twice (the second parse is partial in both).
    p.dbt("parse")
    inproc, sub = _both(p, "parse")
    assert (inproc.returncode, sub.returncode) == (0, 0), (inproc, sub)
    assert _normalized(inproc.stdout) == _normalized(sub.stdout)

    # An operation that refuses: a failed result, exit 1, the same lines.
    p.run_operation("create_team", {"name": "dup"})
    inproc, sub = _both(p, "run-operation", "tessera.create_team", "--args", "{name: dup}")
    assert (inproc.returncode, sub.returncode) == (1, 1), (inproc, sub)
    assert _normalized(inproc.stdout) == _normalized(sub.stdout)
    assert 'tessera.create_team: name = "dup" already exists' in inproc.stdout

    # An error (an unknown macro): exit 2, the same lines.
    inproc, sub = _both(p, "run-operation", "no_such_macro")
    assert (inproc.returncode, sub.returncode) == (2, 2), (inproc, sub)
    assert _normalized(inproc.stdout) == _normalized(sub.stdout)

    # A usage error: exit 2 and click's error line on stderr (without the usage text and
    # click's "Did you mean" suggestions, which dbtRunner does not pass on).
    inproc, sub = _both(p, "run", "--no-such-flag")
    assert (inproc.returncode, sub.returncode) == (2, 2), (inproc, sub)
    (error,) = [line for line in sub.stderr.splitlines() if line.startswith("Error:")]
    (line,) = inproc.stderr.splitlines()
    assert line == "Error: No such option '--no-such-flag'." and error.startswith(line), sub

    # --quiet: only what the macro print()-ed, exactly.
    args = ("--quiet", "run-operation", "tessera.list_proposals", "--args", "{format: json}")
    inproc, sub = _both(p, *args)
    assert (inproc.returncode, sub.returncode) == (0, 0), (inproc, sub)
    assert inproc.stdout == sub.stdout
    assert json.loads(inproc.stdout)["proposals"] == []


def test_tessera_cli_exit_codes_and_output_match_the_executable(new_project: NewProject) -> None:
    p = new_project("duckdb", template="gate")
    created = p.tessera("team", "create", "marketing")
    sub = p.tessera("team", "create", "marketing", expect=None, subprocess=True)
    inproc = p.tessera("team", "create", "marketing", expect=None)
    assert (sub.returncode, inproc.returncode) == (2, 2), (sub, inproc)
    assert inproc.stderr == sub.stderr and inproc.stdout == sub.stdout == ""
    assert 'name = "marketing" already exists' in inproc.stderr
    assert "marketing" in created.stdout
    listed = p.tessera("team", "list", "--format", "json")
    assert listed.stdout == p.tessera("team", "list", "--format", "json", subprocess=True).stdout
    usage = p.tessera("team", "create", expect=None)
    assert usage.returncode == 2 and usage.output.strip().count("\n") == 0, usage


def test_invocations_in_one_process_do_not_leak(new_project: NewProject) -> None:
    """DuckDB, then PostgreSQL, then DuckDB again in this process: each writes to its own
    warehouse; flags, --vars, environment variables and the working directory of one call
    are gone at the next."""
    duck = new_project("duckdb", template="gate")
    pg = new_project("postgres", template="gate")
    cwd, environ = os.getcwd(), dict(os.environ)

    duck.run_operation("create_team", {"name": "only-in-duckdb"}, env={"TESSERA_ACTOR": "ann"})
    assert os.getcwd() == cwd and dict(os.environ) == environ
    quiet = pg.dbt("--quiet", "run-operation", "tessera.create_team", "--args", "{name: pg}")
    assert "Running with dbt" not in quiet.stdout
    # Not quiet any more; the adapter is PostgreSQL's, the project the other one.
    loud = pg.run_operation("create_team", {"name": "only-in-postgres"})
    assert "Running with dbt" in loud.stdout and "Registered adapter: postgres" in loud.stdout
    again = duck.dbt("run", "-s", "other", "--vars", "{tessera_actor: bob}")
    assert "Registered adapter: duckdb" in again.stdout
    after = duck.run_operation("create_team", {"name": "later"})
    assert os.getcwd() == cwd and dict(os.environ) == environ

    assert {r[0] for r in duck.query("select name from {schema}.tessera_teams")} >= {
        "only-in-duckdb",
        "later",
    }
    assert "only-in-postgres" not in {
        r[0] for r in duck.query("select name from {schema}.tessera_teams")
    }
    assert {r[0] for r in pg.query("select name from {schema}.tessera_teams")} == {
        "pg",
        "only-in-postgres",
    }
    actors = dict(
        duck.query(
            "select entity_id, actor from {schema}.tessera_audit_log where action = 'team_created'"
        )
    )
    # TESSERA_ACTOR was set for the first call only; --vars for the run only.
    assert actors["only-in-duckdb"] == "ann"
    assert actors["later"] not in ("ann", "bob"), actors
    assert "Registered adapter: duckdb" in after.stdout
    # Each project parsed into its own target folder.
    assert (Path(duck.dir) / "target" / "partial_parse.msgpack").exists()
    assert (Path(pg.dir) / "target" / "partial_parse.msgpack").exists()
