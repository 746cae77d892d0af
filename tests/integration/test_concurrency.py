"""Concurrent builds and a killed build on one PostgreSQL registry (real processes).

Two copies of the same project share one database and one registry schema (two CI runners
of one repository), each building its models into its own schema. Started together, they
initialize the registry together, publish the same first versions and the same additive
change exactly once, and open one proposal for the same breaking change. A build killed
while it waits to publish leaves no half-written version; the next build publishes it once.

To make the publishers meet, the test holds the registry's publish lock (the advisory lock
``tessera.lock_registry('publish')`` takes) until both builds are waiting for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.harness import VENV_BIN, DbtProject, wait_for, write_profiles
from tests.integration.test_gate_support import gate_project, write_model

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

NewProject = Callable[..., DbtProject]

ORDERS = "model.gate.orders"
ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")
STATUS = ("status", "varchar(20)", "cast('placed' as varchar(20))")
NOTE = ("note", "varchar(10)", "cast(null as varchar(10))")
BUILD = ("build", "-s", "package:gate")


@dataclass
class Running:
    """A dbt process started in the background (its own process group)."""

    proc: subprocess.Popen[str]
    log: Path

    def wait(self, timeout: float = 600) -> tuple[int, str]:
        """Wait for it; returns (exit code, output)."""
        code = self.proc.wait(timeout=timeout)
        return code, self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group (no clean-up code of dbt's can run)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)


def start(project: DbtProject, *args: str, target_path: str | None = None) -> Running:
    """Start ``dbt <args>`` in the project without waiting for it."""
    env = {
        **os.environ,
        **project.env,
        "DBT_PROFILES_DIR": str(project.profiles_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if target_path:
        env["DBT_TARGET_PATH"] = target_path
    log = project.dir / f"dbt-{time.monotonic_ns()}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "dbt"), *args],
            cwd=project.dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    return Running(proc, log)


def together(runs: Sequence[Running]) -> list[tuple[int, str]]:
    """Wait for every process (started together)."""
    return [r.wait() for r in runs]


def twin(project: DbtProject, root: Path, schema: str) -> DbtProject:
    """A copy of ``project`` on the same database and registry, building into ``schema``."""
    assert project.pg is not None and project.database is not None
    copy_dir = root / "project"
    shutil.copytree(project.dir, copy_dir, symlinks=True, ignore=shutil.ignore_patterns("target*"))
    profiles = root / "profiles"
    write_profiles(profiles, copy_dir, "postgres", project.pg, project.database)
    text = (profiles / "profiles.yml").read_text().replace("schema: analytics", f"schema: {schema}")
    (profiles / "profiles.yml").write_text(text)
    return DbtProject(copy_dir, "postgres", profiles, project.pg, project.database)


def publish_lock_key(project: DbtProject, schema: str = "tessera") -> int:
    """The advisory lock key of ``postgres__lock_registry('publish')``."""
    digest = hashlib.md5(f"tessera|{project.database}|{schema}|publish".encode()).hexdigest()
    return int(digest[:15], 16)


LOCK_SESSIONS = (
    "select count(*) from pg_locks where locktype = 'advisory' "
    "and ((classid::bigint << 32) | objid::bigint) = {key}"
)


class PublishLock:
    """Hold the registry's publish lock from a separate session (see lock_registry.sql)."""

    def __init__(self, project: DbtProject, schema: str = "tessera") -> None:
        assert project.pg is not None
        self.key = publish_lock_key(project, schema)
        self.conn: Any = project.pg.connect(project.database)

    def __enter__(self) -> PublishLock:
        with self.conn.cursor() as cur:
            cur.execute("select pg_advisory_lock(%s)", (self.key,))
        return self

    def waiting(self) -> int:
        """How many sessions wait for the lock."""
        with self.conn.cursor() as cur:
            cur.execute(LOCK_SESSIONS.format(key=self.key) + " and not granted")
            return int(cur.fetchone()[0])

    def __exit__(self, *exc: object) -> None:
        with closing(self.conn), self.conn.cursor() as cur:
            cur.execute("select pg_advisory_unlock(%s)", (self.key,))


def versions(project: DbtProject) -> list[tuple[str, str, int]]:
    """(asset_id, version, rows) for every published version."""
    rows = project.query(
        "select asset_id, version, count(*) from {schema}.tessera_contracts "
        "group by asset_id, version order by asset_id, version"
    )
    return [(str(a), str(v), int(n)) for a, v, n in rows]


def published_events(project: DbtProject, asset_id: str) -> list[str]:
    """The versions audited as published for an asset, in order."""
    rows = project.query(
        "select details_json from {schema}.tessera_audit_log "
        f"where action = 'contract_published' and entity_id = '{asset_id}' order by occurred_at"
    )
    return [str(json.loads(r[0])["version"]) for r in rows]


def test_concurrent_builds_publish_once_and_a_killed_build_publishes_later(
    new_project: NewProject, tmp_path: Path
) -> None:
    a = gate_project(new_project, "postgres")
    b = twin(a, tmp_path / "twin", "analytics_b")

    # 1. A fresh registry: two builds, an init and a registration start together.
    runs = [
        start(a, *BUILD),
        start(b, *BUILD),
        start(b, "run-operation", "tessera.init", target_path="target-init"),
        start(
            a,
            "run-operation",
            "gate_setup",
            "--args",
            "{team: growth, models: [orders]}",
            target_path="target-setup",
        ),
    ]
    for code, out in together(runs):
        assert code == 0, out[-4000:]
    first = versions(a)
    assert {v for _, v, _ in first} == {"1.0.0"} and {n for *_, n in first} == {1}, first
    assert len(first) == 5
    assert a.query(
        "select count(*) from {schema}.tessera_audit_log where action = 'registry_initialized'"
    ) == [(1,)]
    assert a.count("tessera_schema_version") == 1
    assert a.query("select count(*) from {schema}.tessera_teams where name = 'growth'") == [(1,)]
    assert len(published_events(a, ORDERS)) == 1

    # 2. The same additive change in both copies; both wait at the publish lock, then go.
    for p in (a, b):
        write_model(p, "orders", [ORDER_ID, AMOUNT, STATUS, NOTE])
    with PublishLock(a) as lock:
        runs = [start(a, *BUILD), start(b, *BUILD)]
        assert wait_for(lambda: lock.waiting() == 2, timeout=300), "builds never reached publish"
    for code, out in together(runs):
        assert code == 0, out[-4000:]
    assert [(v, n) for asset, v, n in versions(a) if asset == ORDERS] == [
        ("1.0.0", 1),
        ("1.1.0", 1),
    ]
    assert published_events(a, ORDERS) == ["1.0.0", "1.1.0"]

    # 3. The same breaking change (growth reads status) in both: both blocked before any
    #    model runs, and one proposal.
    for p in (a, b):
        write_model(p, "orders", [ORDER_ID, AMOUNT, NOTE])
    results = together([start(a, *BUILD), start(b, *BUILD)])
    for code, out in results:
        assert code != 0 and "START sql" not in out, out[-4000:]
        assert "Tessera blocked this run" in out, out[-4000:]
    proposals = a.query(
        f"select proposal_id, status from {{schema}}.tessera_proposals where asset_id = '{ORDERS}'"
    )
    assert len(proposals) == 1 and proposals[0][1] == "pending", proposals
    pid = str(proposals[0][0])
    assert a.query(
        f"select team from {{schema}}.tessera_proposal_teams where proposal_id = '{pid}'"
    ) == [("growth",)]

    # 4. growth approves; a build is killed while it waits to publish (its models ran).
    a.run_operation("acknowledge", {"proposal_id": pid, "team": "growth", "response": "approved"})
    with PublishLock(a) as lock:
        killed = start(a, *BUILD)
        assert wait_for(lambda: lock.waiting() == 1, timeout=300), "build never reached publish"
        killed.kill()
    assert "START sql" in killed.log.read_text()
    # The killed session's backend goes once it notices its client is gone.
    assert wait_for(lambda: lock_free(a), timeout=60)
    assert [v for asset, v, _ in versions(a) if asset == ORDERS] == ["1.0.0", "1.1.0"]
    assert published_events(a, ORDERS) == ["1.0.0", "1.1.0"]
    assert a.query(
        f"select status from {{schema}}.tessera_proposals where proposal_id = '{pid}'"
    ) == [("approved",)]

    # 5. The next build publishes 2.0.0 once.
    shipped = a.dbt(*BUILD)
    assert "published model.gate.orders 2.0.0" in shipped.stdout, shipped
    assert [(v, n) for asset, v, n in versions(a) if asset == ORDERS] == [
        ("1.0.0", 1),
        ("1.1.0", 1),
        ("2.0.0", 1),
    ]
    assert published_events(a, ORDERS) == ["1.0.0", "1.1.0", "2.0.0"]
    assert a.query(
        f"select status from {{schema}}.tessera_proposals where proposal_id = '{pid}'"
    ) == [("published",)]


def lock_free(project: DbtProject) -> bool:
    """No session holds or waits for the registry's publish lock."""
    rows = project.query(LOCK_SESSIONS.format(key=publish_lock_key(project)))
    return int(rows[0][0]) == 0
