"""What ``tessera report`` costs for a large registry (``python -m benchmarks report``).

Renders the site for a synthetic registry of 1,000 assets (5 published versions each, a
column added or removed between versions, 3 consumers each, 100 open proposals, 50 teams)
with :func:`tessera_dbt.core.report.render_site`, and writes it to a temporary folder.
Reported: pages, bytes, render and write seconds (median of ``TESSERA_BENCH_RUNS``, default
3). The registry read (``tessera.export_registry``) is measured by ``bench_transfer``.
Nothing is asserted; figures are in docs/report.md.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tessera_dbt.core.report import render_site

T = "2026-01-01T00:00:00.000000Z"


def registry(
    assets: int = 1000, versions: int = 5, teams: int = 50
) -> dict[str, list[dict[str, Any]]]:
    """Synthetic registry rows, as ``tessera report`` reads them."""
    out: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "tessera_assets",
            "tessera_contracts",
            "tessera_registrations",
            "tessera_teams",
            "tessera_proposals",
            "tessera_proposal_teams",
            "tessera_acknowledgements",
            "tessera_team_members",
            "tessera_audit_log",
        )
    }
    for t in range(teams):
        out["tessera_teams"].append(
            {"name": f"team-{t:02d}", "description": None, "deleted_at": None}
        )
    for i in range(assets):
        asset_id = f"model.shop.model_{i:04d}"
        out["tessera_assets"].append(
            {
                "asset_id": asset_id,
                "model_name": f"model_{i:04d}",
                "model_version": None,
                "owner_team": f"team-{i % teams:02d}",
                "compatibility": "backward",
                "guarantee_mode": "notify",
                "relation_name": f'"w"."main"."model_{i:04d}"',
                "deleted_at": None,
            }
        )
        for v in range(versions):
            columns = {
                f"c{c}": {"type": "integer", "x-dbt-data-type": "integer"} for c in range(10 + v)
            }
            if v % 2:
                columns.pop("c1")
            out["tessera_contracts"].append(
                {
                    "asset_id": asset_id,
                    "version": f"{1 + v // 2}.{v % 2}.0",
                    "bump": "major" if v and not v % 2 else ("minor" if v else None),
                    "schema_json": json.dumps(
                        {"type": "object", "properties": columns, "required": ["c0"]}
                    ),
                    "guarantees_json": json.dumps({"not_null": [{"column": "c0"}]}),
                    "published_at": T,
                    "published_by": "ci",
                    "proposal_id": None,
                }
            )
        for c in range(3):
            out["tessera_registrations"].append(
                {
                    "asset_id": asset_id,
                    "team": f"team-{(i + c + 1) % teams:02d}",
                    "source": "manual",
                    "columns_json": None,
                    "pinned_major": None,
                    "note": None,
                    "deleted_at": None,
                }
            )
        if i % 10 == 0:
            pid = f"model_{i:04d}-abc{i:03d}"
            out["tessera_proposals"].append(
                {
                    "proposal_id": pid,
                    "asset_id": asset_id,
                    "status": "pending",
                    "base_version": "3.0.0",
                    "next_version": "4.0.0",
                    "changes_json": json.dumps([{"message": "column c2 was removed"}]),
                    "created_at": T,
                    "created_by": "ci",
                }
            )
            for c in range(3):
                out["tessera_proposal_teams"].append(
                    {
                        "proposal_id": pid,
                        "team": f"team-{(i + c + 1) % teams:02d}",
                        "reason": "registered",
                    }
                )
    return out


def main() -> None:
    runs = int(os.environ.get("TESSERA_BENCH_RUNS", "3"))
    tables = registry()
    render, write = [], []
    site: dict[str, str] = {}
    for _ in range(runs):
        started = time.perf_counter()
        site = render_site(tables, T, "warehouse.tessera")
        render.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            for relative, text in site.items():
                path = Path(folder) / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            write.append(time.perf_counter() - started)
    size = sum(len(t.encode()) for t in site.values())
    print(
        f"1,000 assets x 5 versions, 3,000 registrations, 100 open proposals, 50 teams: "
        f"{len(site)} pages, {size / 1e6:.1f} MB; render {statistics.median(render):.2f}s, "
        f"write {statistics.median(write):.2f}s (median of {runs}); index.html "
        f"{len(site['index.html'].encode()) / 1e3:.0f} kB"
    )


if __name__ == "__main__":
    main()
