"""Helpers for the registry tests (no tests here).

``Session`` runs many registry steps in the test's own process against a project: dbt parses
once, then each run-operation goes through ``dbtRunner(manifest=...)`` and each Registry
call through the real adapter (see tests/fixtures/registry/registry_client.py). That keeps
the bad-input matrix and the hostile-string round trips cheap; exit codes and output of the
real ``dbt`` command line are checked separately with ``project.run_operation``.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.plugin.registry import REGISTRY_TABLES
from tests.harness import (
    FIXTURES,
    DbtProject,
    DbtResult,
    release_process_state,
    reset_process_state,
    scoped_process,
)

ORDERS = "model.registry_fixture.orders"
CUSTOMERS = "model.registry_fixture.customers"
ACCOUNTS_V2 = "model.registry_fixture.accounts.v2"


@dataclass
class Session:
    """Queue steps, then ``run()`` them in one process; results come back in order."""

    project: DbtProject
    steps: list[dict[str, Any]] = field(default_factory=list)

    def op(self, name: str, args: dict[str, Any] | None = None, **vars_: Any) -> int:
        """Queue ``run-operation tessera.<name>``; returns the index of its result."""
        self.steps.append({"op": name, "args": args, "vars": vars_ or None})
        return len(self.steps) - 1

    def call(self, method: str, **kwargs: Any) -> int:
        """Queue ``Registry(...).<method>(**kwargs)``; returns the index of its result."""
        self.steps.append({"call": method, "kwargs": kwargs})
        return len(self.steps) - 1

    def query(self, sql: str) -> int:
        """Queue a query through the adapter (``{schema}``: the registry schema)."""
        self.steps.append({"query": sql})
        return len(self.steps) - 1

    def execute(self, sql: str) -> int:
        """Queue a statement through the adapter (test set-up)."""
        self.steps.append({"execute": sql})
        return len(self.steps) - 1

    def counts(self) -> int:
        """Queue the row count of every registry table."""
        self.steps.append({"counts": True})
        return len(self.steps) - 1

    def proposal(
        self,
        proposal_id: str,
        teams: list[str],
        asset_id: str = ORDERS,
        status: str = "pending",
        base_version: str = "1.0.0",
        columns: tuple[str, ...] = ("status",),
    ) -> int:
        """Queue opening a proposal as the gate does (Registry.open_proposals)."""
        return self.call(
            "open_proposals",
            rows=[
                {
                    "proposal_id": proposal_id,
                    "asset_id": asset_id,
                    "status": status,
                    "base_version": base_version,
                    "next_version": "2.0.0",
                    "fingerprint": f"fp-{proposal_id}",
                    "changes": [
                        {"kind": "column_removed", "column": c, "breaking": True} for c in columns
                    ],
                    "teams": [{"team": t, "reason": "test set-up"} for t in teams],
                }
            ],
        )

    def run(self) -> list[dict[str, Any]]:
        """Run the queued steps in this process (in the project folder, with its
        environment, as a fresh process would) and return their results."""
        client = _registry_client()
        steps = json.loads(json.dumps(self.steps, ensure_ascii=False))
        self.steps = []
        captured = io.StringIO()
        reset_process_state()
        try:
            with (
                scoped_process(self.project.dir, self.project.call_env()),
                redirect_stdout(captured),
                redirect_stderr(captured),
            ):
                try:
                    results: list[dict[str, Any]] = client.run_steps(steps)
                finally:
                    release_process_state()
        except (Exception, SystemExit) as exc:
            raise AssertionError(f"client failed: {exc!r}\n{captured.getvalue()[-4000:]}") from exc
        return results


@functools.cache
def _registry_client() -> Any:
    """tests/fixtures/registry/registry_client.py as a module (the same file the projects
    copy; it holds no state between calls)."""
    path = FIXTURES / "registry" / "registry_client.py"
    spec = importlib.util.spec_from_file_location("tessera_test_registry_client", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ok(result: dict[str, Any]) -> dict[str, Any]:
    """Assert an operation or call succeeded."""
    assert result.get("success", True) and "error" not in result, result
    return result


def refused(result: dict[str, Any], *needles: str) -> str:
    """Assert an operation was refused with ONE tessera line containing ``needles``."""
    assert result["success"] is False, result
    lines = sorted(
        {
            line.strip()
            for message in result["errors"]
            for line in message.splitlines()
            if line.strip().startswith("tessera.")
        }
    )
    assert len(lines) == 1, result
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def printed_json(result: dict[str, Any]) -> Any:
    """The one JSON document an operation printed."""
    ok(result)
    assert len(result["printed"]) == 1, result
    return json.loads(result["printed"][0])


def counts(project: DbtProject) -> dict[str, int]:
    """Row count of every registry table."""
    return {table: project.count(table) for table in REGISTRY_TABLES}


def tessera_line(res: DbtResult) -> str:
    """The single ``tessera.<op>: ...`` line of a refused command-line run."""
    lines = [ln.strip() for ln in res.output.splitlines() if ln.strip().startswith("tessera.")]
    assert len(lines) == 1, str(res)
    return lines[0]


def run_op(
    project: DbtProject,
    name: str,
    args: dict[str, Any] | None = None,
    expect: int | None = 0,
    subprocess: bool = False,
) -> DbtResult:
    """``dbt run-operation tessera.<name>`` with ``--args`` as JSON keeping non-ASCII text
    (``subprocess=True``: the ``dbt`` executable, for a test of its exit code or output)."""
    argv = ["run-operation", f"tessera.{name}"]
    if args is not None:
        argv += ["--args", json.dumps(args, ensure_ascii=False)]
    return project.dbt(*argv, expect=expect, subprocess=subprocess)
