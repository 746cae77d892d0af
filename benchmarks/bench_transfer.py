"""What ``tessera export``, ``tessera import`` and ``tessera report`` cost on a large registry
(``python -m benchmarks transfer``).

A DuckDB registry with 1,000 assets (5 versions each, ~1 kB schemas), 3,000 registrations,
100 open proposals and N audit rows (``TESSERA_BENCH_AUDIT_ROWS``, default 100,000; also
run with N/10 to show how memory grows) is written directly with the duckdb driver, then:

- ``tessera export --output FILE``: wall seconds, peak memory (max RSS of the process), size;
- ``tessera import FILE`` into a new, empty DuckDB registry: wall seconds, peak memory;
- ``tessera report --output DIR`` on the same registry: wall seconds, pages.

Each command is one process (dbt runs inside it); memory is its max RSS from ``wait4``.
Nothing is asserted; figures are in docs/export.md and docs/report.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
T0 = "2026-01-01 00:00:00"


def project(root: Path) -> Path:
    """A bare dbt project on DuckDB with the tessera package linked in."""
    root.mkdir(parents=True)
    (root / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {"name": "bench_transfer", "version": "1.0.0", "config-version": 2, "profile": "bench"}
        )
    )
    (root / "profiles.yml").write_text(
        yaml.safe_dump(
            {
                "bench": {
                    "target": "dev",
                    "outputs": {
                        "dev": {"type": "duckdb", "path": str(root / "w.duckdb"), "threads": 1}
                    },
                }
            }
        )
    )
    (root / "dbt_packages").mkdir()
    os.symlink(REPO, root / "dbt_packages" / "tessera", target_is_directory=True)
    run(root, [str(BIN / "dbt"), "run-operation", "tessera.init"])
    return root


def run(root: Path, argv: list[str]) -> tuple[float, int, str]:
    """Run a command in the project: (wall seconds, max RSS in MB, stdout + stderr)."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(root), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{out[-3000:]}")
    return wall, usage.ru_maxrss // 1024, out


def fill(root: Path, audit_rows: int) -> None:
    """Synthetic registry rows, written with the driver (set-up only)."""
    import duckdb

    schema = json.dumps(
        {
            "type": "object",
            "properties": {
                f"col_{c}": {"type": "string", "maxLength": 100, "x-dbt-data-type": "varchar(100)"}
                for c in range(12)
            },
            "required": ["col_0"],
        }
    ).replace("'", "''")
    con = duckdb.connect(str(root / "w.duckdb"))
    try:
        con.execute(
            "insert into tessera.tessera_teams (name, created_at, source) "
            f"select 'team-' || i, timestamp '{T0}', 'manual' from range(50) t(i)"
        )
        con.execute(
            "insert into tessera.tessera_assets (asset_id, project_name, model_name, owner_team, "
            "compatibility, guarantee_mode, relation_name, materialization, created_at) "
            "select 'model.shop.m' || lpad(cast(i as varchar), 4, '0'), 'shop', 'm' || lpad(cast(i as varchar), 4, '0'), "
            f"'team-' || (i % 50), 'backward', 'notify', 'w.main.m' || i, 'table', timestamp '{T0}' from range(1000) t(i)"
        )
        con.execute(
            "insert into tessera.tessera_contracts (asset_id, version, major, minor, patch, schema_json, "
            "guarantees_json, fingerprint, bump, published_at, published_by) "
            "select 'model.shop.m' || lpad(cast(i as varchar), 4, '0'), '1.' || v || '.0', 1, v, 0, "
            f"'{schema}', '{{}}', md5(i || '-' || v), 'minor', timestamp '{T0}' + v * interval 1 day, 'ci' "
            "from range(1000) a(i), range(5) b(v)"
        )
        con.execute(
            "insert into tessera.tessera_registrations (asset_id, team, source, created_at) "
            "select 'model.shop.m' || lpad(cast(i as varchar), 4, '0'), 'team-' || ((i + c + 1) % 50), 'manual', "
            f"timestamp '{T0}' from range(1000) a(i), range(3) b(c)"
        )
        con.execute(
            "insert into tessera.tessera_proposals (proposal_id, asset_id, status, base_version, next_version, "
            "changes_json, created_at) select 'm' || i || '-abc', 'model.shop.m' || lpad(cast(i as varchar), 4, '0'), "
            f"'pending', '1.4.0', '2.0.0', '[{{\"message\": \"column col_3 was removed\"}}]', timestamp '{T0}' "
            "from range(0, 1000, 10) t(i)"
        )
        con.execute(
            "insert into tessera.tessera_audit_log (event_id, occurred_at, actor, action, entity_type, "
            "entity_id, details_json, invocation_id) select md5('e' || i), "
            f"timestamp '{T0}' + i * interval 1 second, 'ci', 'contract_published', 'asset', "
            "'model.shop.m' || (i % 1000), '{\"version\": \"1.0.0\", \"note\": \"' || i || '\"}', md5('inv' || (i // 50)) "
            f"from range({audit_rows}) t(i)"
        )
    finally:
        con.close()


def main() -> None:
    rows = int(os.environ.get("TESSERA_BENCH_AUDIT_ROWS", "100000"))
    tessera = str(BIN / "tessera")
    with tempfile.TemporaryDirectory(prefix="tessera-bench-transfer-") as tmp:
        for n in (rows // 10, rows):
            src = project(Path(tmp) / f"src-{n}")
            fill(src, n)
            dump = Path(tmp) / f"export-{n}.json"
            wall, rss, _ = run(src, [tessera, "export", "--output", str(dump)])
            size = dump.stat().st_size / 1e6
            print(
                f"export, {n:,} audit rows + 1,000 assets: {wall:.1f}s, peak {rss} MB, file {size:.1f} MB",
                flush=True,
            )
            dst = project(Path(tmp) / f"dst-{n}")
            wall, rss, _ = run(dst, [tessera, "import", str(dump)])
            print(
                f"import of that file into an empty DuckDB registry: {wall:.1f}s, peak {rss} MB",
                flush=True,
            )
            if n == rows:
                wall, rss, out = run(src, [tessera, "report", "--output", str(Path(tmp) / "site")])
                pages = len(list((Path(tmp) / "site").rglob("*.html")))
                print(
                    f"report, 1,000 assets x 5 versions: {wall:.1f}s end to end, {pages} pages, peak {rss} MB ({out.strip()})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
