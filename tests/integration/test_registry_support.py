"""Helpers for the registry tests (no tests here).

``Session`` runs many registry steps in ONE Python process against a project: dbt parses
once, then each run-operation goes through ``dbtRunner(manifest=...)`` and each Registry
call through the real adapter (see tests/fixtures/registry/registry_client.py). That keeps
the bad-input matrix and the hostile-string round trips cheap; exit codes and output of the
real ``dbt`` command line are checked separately with ``project.run_operation``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.plugin.registry import REGISTRY_TABLES
from tests.harness import DbtProject, DbtResult

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
        """Run the queued steps in one subprocess and return their results."""
        script = self.project.dir / "steps.json"
        script.write_text(json.dumps(self.steps, ensure_ascii=False), encoding="utf-8")
        env = {
            **os.environ,
            **self.project.env,
            "DBT_PROFILES_DIR": str(self.project.profiles_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        proc = subprocess.run(
            [sys.executable, "registry_client.py", "steps.json"],
            cwd=self.project.dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        marker = "@@RESULT@@"
        assert marker in proc.stdout, (
            f"client failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
        self.steps = []
        results: list[dict[str, Any]] = json.loads(proc.stdout.split(marker, 1)[1])
        return results


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
    project: DbtProject, name: str, args: dict[str, Any] | None = None, expect: int | None = 0
) -> DbtResult:
    """``dbt run-operation tessera.<name>`` with ``--args`` as JSON keeping non-ASCII text."""
    argv = ["run-operation", f"tessera.{name}"]
    if args is not None:
        argv += ["--args", json.dumps(args, ensure_ascii=False)]
    return project.dbt(*argv, expect=expect)
