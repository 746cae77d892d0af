"""Extraction time for generated manifests (goal: 5,000 models in under 1 s)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from benchmarks.generate import Spec, generate_manifest
from tessera_dbt.core.extract import extract_project

RUNS = 7
GOAL_S = 1.0
# The first spec is the goal's (a large real project: a fifth of the models contracted);
# the others show how the time grows with contracted columns and tests.
SPECS = (
    Spec(models=5000, contracted=1000, columns=20),
    Spec(models=5000, contracted=2500, columns=30),
    Spec(models=5000, contracted=5000, columns=50),
)


def _medians(manifest: dict[str, Any], runs: int = RUNS) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        extract_project(manifest)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    """Print a table: one row per generated manifest, median extraction time."""
    print(
        f"{'models':>7} {'contracted':>10} {'columns':>7} {'tests':>6} "
        f"{'assets':>6} {'wall s':>7} {'cpu s':>7} {'goal':>5}"
    )
    for i, spec in enumerate(SPECS):
        manifest = generate_manifest(spec)
        tests = sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "test")
        assets = len(extract_project(manifest).assets)
        wall, cpu = _medians(manifest)
        verdict = ("ok" if cpu < GOAL_S else "SLOW") if i == 0 else "-"
        print(
            f"{spec.models:>7} {spec.contracted:>10} {spec.columns:>7} {tests:>6} "
            f"{assets:>6} {wall:>7.3f} {cpu:>7.3f} {verdict:>5}",
            flush=True,
        )
    print(f"(median of {RUNS} runs; goal < {GOAL_S:.0f} s for 5,000 models)")


if __name__ == "__main__":
    main()
