"""What the gate costs a dbt project (``make bench``; ``python -m benchmarks gate``).

On a generated project of 1,500 models, 300 of them contracted with 20 columns (realistic
literals for every type, groups, exposures), with the tessera package installed against the
same project without it (the plugin stays installed in the environment, inactive):

- ``dbt parse --no-partial-parse``;
- a gated ``dbt run --select`` of one small uncontracted model, after a full run published
  every contract (a deploy's steady state): the plugin evaluates all 300 assets and reads
  the registry, the hooks check and publish, almost no model work.

Each is the median of ``TESSERA_BENCH_RUNS`` (default 3) runs, the two variants
interleaved so that a busy machine slows both alike; the goal is a ratio of medians
<= 1.05. Then the number of registry queries per gated build (SQL statements Tessera
sends, counted in logs/dbt.log: the plugin's ``tessera`` connection and the hooks' ``master``
connection) for 10, 100 and 1,000 assets, which must not grow with the assets.

DuckDB, in temporary folders; nothing is asserted (see docs/gate.md for figures).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.generate import Spec, write_project

REPO = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).parent / "dbt")
PROBE = "bench_probe"  # the small uncontracted model the gated runs select
GOAL = 1.05
SPEC = Spec(models=1500, contracted=300, columns=20)
QUERY_SPECS = (
    Spec(models=20, contracted=10, columns=10, exposures=5),
    Spec(models=150, contracted=100, columns=10, exposures=10),
    Spec(models=1100, contracted=1000, columns=10, exposures=50),
)
# A statement dbt logs: "On <connection>: /* {...} */ <sql>" (BEGIN/COMMIT carry no comment).
_STATEMENT = re.compile(r"\bOn (tessera|master): /\*")


def _runs() -> int:
    return max(1, int(os.environ.get("TESSERA_BENCH_RUNS", "3")))


def _project(root: Path, spec: Spec, with_package: bool) -> Path:
    """A generated project (+ the probe model and a DuckDB profile), ready to run."""
    path = write_project(root / "project", spec, package_path=REPO)
    (path / "models" / f"{PROBE}.sql").write_text("select 1 as x\n")
    profiles = root / "profiles"
    profiles.mkdir(exist_ok=True)
    (profiles / "profiles.yml").write_text(
        yaml.safe_dump(
            {
                "tessera_test": {
                    "target": "dev",
                    "outputs": {
                        "dev": {"type": "duckdb", "path": str(root / "w.duckdb"), "threads": 1}
                    },
                }
            }
        )
    )
    if with_package:
        # What `dbt deps` does for a local package, without its seconds.
        (path / "dbt_packages").mkdir(exist_ok=True)
        os.symlink(REPO, path / "dbt_packages" / "tessera", target_is_directory=True)
    else:
        (path / "packages.yml").write_text("packages: []\n")
    return path


def _dbt(project: Path, *args: str) -> tuple[float, float]:
    """Run dbt; return (wall, CPU) seconds (raise with the output when it fails).

    CPU (user + system of the dbt process) is what the plugin adds; wall time on a shared
    machine mostly measures the neighbours.
    """
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project.parent / "profiles"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [DBT, *args], cwd=project, env=env, capture_output=True, text=True, timeout=3600
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{proc.stdout[-4000:]}{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _last_invocation_statements(project: Path) -> int:
    """Registry statements of the last invocation in logs/dbt.log."""
    text = (project / "logs" / "dbt.log").read_text(errors="replace")
    last = text.rsplit("Running with dbt=", 1)[-1]
    return len(_STATEMENT.findall(last))


def _timings(
    with_pkg: Path, without: Path, args: tuple[str, ...]
) -> list[tuple[str, float, float]]:
    """[(measure, median with, median without)] for wall and CPU seconds."""
    wall: dict[Path, list[float]] = {with_pkg: [], without: []}
    cpu: dict[Path, list[float]] = {with_pkg: [], without: []}
    for _ in range(_runs()):
        for project in (with_pkg, without):
            w, c = _dbt(project, *args)
            wall[project].append(w)
            cpu[project].append(c)
    return [
        (name, statistics.median(d[with_pkg]), statistics.median(d[without]))
        for name, d in (("wall", wall), ("cpu", cpu))
    ]


def _rows(label: str, timings: list[tuple[str, float, float]]) -> str:
    lines = []
    for name, with_s, without_s in timings:
        ratio = with_s / without_s
        verdict = "ok" if ratio <= GOAL else "over"
        lines.append(
            f"{label + ' (' + name + ')':<44} {without_s:>9.2f} {with_s:>9.2f} {ratio:>7.3f} {verdict:>5}"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the timing table and the registry query counts."""
    root = Path(tempfile.mkdtemp(prefix="tessera-bench-gate-"))
    try:
        with_pkg = _project(root / "with", SPEC, with_package=True)
        without = _project(root / "without", SPEC, with_package=False)
        print(
            f"project: {SPEC.models} models, {SPEC.contracted} contracted x {SPEC.columns} "
            f"columns; median of {_runs()} runs (s)",
            flush=True,
        )
        print(f"{'':<44} {'without':>9} {'with':>9} {'ratio':>7} {'goal':>5}")
        parse = _timings(with_pkg, without, ("parse", "--no-partial-parse"))
        print(_rows("dbt parse --no-partial-parse", parse), flush=True)
        # Warm up: a full run builds every model and publishes the 300 contracts, so the
        # timed runs see the steady state of a deploy (every asset unchanged).
        for project in (with_pkg, without):
            _dbt(project, "run")
        run = _timings(with_pkg, without, ("run", "--select", PROBE))
        print(_rows(f"gated dbt run --select {PROBE}", run), flush=True)
        print(f"(goal: ratio of medians <= {GOAL})")

        print("\nregistry queries per gated build (dbt run --select one model)")
        print(f"{'assets':>7} {'first (creates registry)':>25} {'next':>6}")
        for spec in QUERY_SPECS:
            project = _project(root / f"q{spec.contracted}", spec, with_package=True)
            _dbt(project, "run", "--select", PROBE)
            first = _last_invocation_statements(project)
            _dbt(project, "run", "--select", PROBE)
            again = _last_invocation_statements(project)
            print(f"{spec.contracted:>7} {first:>25} {again:>6}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
