"""The gate where dbt has no Python plugins (dbt v2), proven on dbt-core with the plugin
really absent: a virtualenv with the tessera-dbt wheel whose ``dbt_tessera`` shim is
deleted, dbt and the adapter from the test's own environment.

``tessera build`` parses, evaluates ``manifest.json``, records the verdicts and runs dbt
under the same invocation id: it blocks a breaking change before any model runs, an
acknowledgement lets the next one ship 2.0.0, a plain ``dbt build`` fails closed, and an
evaluation reused after a model changed is refused by on-run-start.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness import DbtProject, DbtResult
from tests.integration.test_gate_support import (
    gate_project,
    models_ran,
    open_proposal,
    published,
    setup_consumers,
    write_model,
)
from tests.integration.test_plugin_discovery import RUN_DBT, _fresh_venv

pytestmark = [pytest.mark.slow, pytest.mark.duckdb]

ORDERS = "model.gate.orders"
ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")

EVALUATE_ONLY = """
import sys
from tessera_dbt.cli.gated import evaluate, split_args
options, _ = split_args([])
evaluate(options, "build", sys.argv[1])
"""


def _no_plugin_venv(tmp_path: Path) -> Path:
    """bin/ of a venv with dbt, the adapter and the tessera CLI, and no dbt_tessera."""
    python, site = _fresh_venv(tmp_path)
    shutil.rmtree(site / "dbt_tessera")
    bin_dir = python.parent
    dbt = bin_dir / "dbt"
    dbt.write_text(f"#!{python}\n{RUN_DBT}")
    dbt.chmod(0o755)
    probe = subprocess.run(
        [str(python), "-c", "import dbt_tessera"], capture_output=True, text=True, cwd=tmp_path
    )
    assert probe.returncode != 0, "dbt_tessera is still importable"
    assert (bin_dir / "tessera").exists()
    return bin_dir


def _run(p: DbtProject, bin_dir: Path, *argv: str, expect: int | None = 0, **env: str) -> DbtResult:
    full = {**os.environ, **p.env, **env, "DBT_PROFILES_DIR": str(p.profiles_dir)}
    full.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [str(bin_dir / argv[0]), *argv[1:]],
        cwd=p.dir,
        env=full,
        capture_output=True,
        text=True,
        timeout=900,
    )
    res = DbtResult(list(argv), proc.returncode, proc.stdout, proc.stderr)
    if expect is not None:
        assert proc.returncode == expect, str(res)
    return res


def test_tessera_build_gates_without_the_plugin(
    tmp_path: Path, new_project: Callable[..., DbtProject]
) -> None:
    bin_dir = _no_plugin_venv(tmp_path)
    p = gate_project(new_project, "duckdb")
    env: dict[str, str] = {}
    # dbt v2 has no dbtRunner: then the CLI runs every dbt command as a subprocess.
    no_runner = {"TESSERA_DBT_SUBPROCESS": "1"}

    # Without an evaluation, a plain dbt build fails closed, before any model runs.
    res = _run(p, bin_dir, "dbt", "build", expect=None, **env)
    assert res.returncode != 0 and not models_ran(res), str(res)
    assert "Tessera has no evaluation for this invocation" in res.output
    assert "tessera build" in res.output

    # tessera build: the first build publishes 1.0.0.
    _run(p, bin_dir, "tessera", "build", **env)
    assert published(p)[ORDERS] == ["1.0.0"]

    # A consumer registers; a removed column is breaking: blocked before any model runs.
    setup_consumers(p, "growth", ["orders"])
    write_model(p, "orders", [ORDER_ID, AMOUNT])
    res = _run(p, bin_dir, "tessera", "build", expect=None, **env)
    assert res.returncode != 0 and not models_ran(res), str(res)
    assert "Tessera blocked this run" in res.output and "status was removed" in res.output
    proposal = open_proposal(p, ORDERS)

    # The consumer acknowledges: the next tessera build ships 2.0.0.
    _run(
        p,
        bin_dir,
        "dbt",
        "run-operation",
        "tessera.acknowledge",
        "--args",
        json.dumps({"proposal_id": proposal, "team": "growth", "response": "approved"}),
    )
    res = _run(p, bin_dir, "tessera", "build", "--select", "orders", **no_runner)
    assert published(p)[ORDERS] == ["1.0.0", "2.0.0"], str(res)

    # An evaluation reused after the model changed is refused by on-run-start.
    _run(p, bin_dir, "python", "-c", EVALUATE_ONLY, "reused-evaluation", **env)
    write_model(p, "orders", [ORDER_ID, ("amount", "numeric(14,2)", "cast(1 as numeric(14, 2))")])
    res = _run(
        p, bin_dir, "dbt", "build", expect=None, TESSERA_INVOCATION_ID="reused-evaluation", **env
    )
    assert res.returncode != 0 and not models_ran(res), str(res)
    assert "orders (model.gate.orders): changed since it was evaluated" in res.output

    # tessera check works without the plugin too (read only).
    res = _run(p, bin_dir, "tessera", "check", "--format", "json", **no_runner)
    report = json.loads(res.stdout)
    assert report["passed"] is True
    assert {d["asset_id"]: d["verdict"] for d in report["decisions"]}[ORDERS] == "compatible"
