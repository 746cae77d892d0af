"""The everyday gated run costs three registry calls and writes one row (DuckDB).

After a build has published every contract and synced the registrations the project implies
(exposures, cross-team refs), a gated run with nothing changed must read the registry once
(configuration, readiness and state in one macro call), read the live columns of the
published assets' relations once (the drift check: one catalog query), and write once (the
summary row the hooks need): no registration sync, no asset upsert, no audit event. The plugin reports the
macros it called in ``target/tessera_check.json``; the columns it inferred from consumers'
SQL are kept in ``target/`` so that unchanged models are not parsed again.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tessera_dbt.core.vocab import REGISTRY_TABLES
from tests.harness import DbtProject

pytestmark = pytest.mark.slow

TABLES = REGISTRY_TABLES
STEADY = ["evaluation_state", "relation_columns", "write_checks"]


def _counts(p: DbtProject) -> dict[str, int]:
    return {t: p.count(t) for t in TABLES}


def _report(p: DbtProject) -> dict[str, object]:
    return json.loads((p.dir / "target" / "tessera_check.json").read_text())


def test_steady_state_gated_run_reads_once_and_writes_only_its_summary(
    new_project: Callable[..., DbtProject],
) -> None:
    p = new_project("duckdb", "shop")
    p.dbt("build")
    first = _report(p)
    assert first["registry_calls"][0] == "evaluation_state"
    assert "sync_derived_registrations" in first["registry_calls"]  # the first build syncs
    cache = p.dir / "target" / "tessera_lineage_cache.json"
    assert cache.is_file() and json.loads(cache.read_text())

    before = _counts(p)
    assert before["tessera_registrations"] > 0  # the shop has exposures and cross-team refs
    p.dbt("run", "--select", "stg_customers")
    steady = _report(p)
    assert steady["registry_calls"] == STEADY
    after = _counts(p)
    assert after.pop("tessera_checks") == before.pop("tessera_checks") + 1
    assert after == before

    # The cache only saves time: without it the same registrations are derived (no sync).
    cache.unlink()
    p.dbt("run", "--select", "stg_customers")
    assert _report(p)["registry_calls"] == STEADY
    assert cache.is_file()
