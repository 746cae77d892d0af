"""What the gate costs a dbt project (``make bench``; ``python -m benchmarks gate``).

The same generated project (1,500 models, 300 contracted with 20 columns, realistic literals
for every type, groups, exposures) with the tessera package installed and without it (the
plugin stays installed in the environment and does nothing for a project without the
package), measured as interleaved pairs (with, without, with, without, …) so that a busy
machine slows both alike. Reported: the median of each side, wall and CPU seconds (user +
system of the dbt process alone), their ratio against the goal (<= 1.02), peak memory.

- ``dbt parse --no-partial-parse`` (the plugin does not evaluate on parse);
- a gated ``dbt run --no-partial-parse --select <one uncontracted model>``:
  - *steady*: every contract already published and unchanged (a deploy's everyday case);
  - *new*: no contract published yet, each asset a candidate (``tessera_publish: false``
    keeps that state from run to run);
- registry statements per gated invocation (counted in logs/dbt.log: the plugin's
  ``tessera`` connection and the hooks' ``master`` connection) for 10, 100 and 1,000 assets;
- the CLI's read commands against a bare ``dbt run-operation`` of an empty macro;
- with ``TESSERA_BENCH_SCALE=1`` (default), the same parse and steady run on 5,000 models
  (1,000 contracted), so that the growth of the cost with project size is visible.

``TESSERA_BENCH_RUNS`` (default 5) sets the pairs. DuckDB, temporary folders; nothing is
asserted (figures are in docs/gate.md).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.generate import Spec, write_project

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DBT = str(BIN / "dbt")
TESSERA = str(BIN / "tessera")
PROBE = "bench_probe"  # the small uncontracted model the gated runs select
NOOP = "bench_noop"  # an empty macro: what a bare run-operation costs
GOAL = 1.02
CLI_GOAL = 1.2
SPEC = Spec(models=1500, contracted=300, columns=20)
SCALE_SPEC = Spec(models=5000, contracted=1000, columns=20)
QUERY_SPECS = (
    Spec(models=20, contracted=10, columns=10, exposures=5),
    Spec(models=150, contracted=100, columns=10, exposures=10),
    Spec(models=1100, contracted=1000, columns=10, exposures=50),
)
# A statement dbt logs: "On <connection>: /* {...} */ <sql>" (BEGIN/COMMIT carry no comment).
_STATEMENT = re.compile(r"\bOn (tessera|master): /\*")
CLI_READS = (("asset", "list"), ("team", "list"), ("proposal", "list"))


def _runs() -> int:
    return max(1, int(os.environ.get("TESSERA_BENCH_RUNS", "5")))


@dataclass(frozen=True)
class Sample:
    """One dbt process: wall and CPU seconds, peak resident memory (MiB)."""

    wall: float
    cpu: float
    rss_mib: float


def _project(root: Path, spec: Spec, with_package: bool) -> Path:
    """A generated project (+ the probe model, an empty macro, a DuckDB profile)."""
    path = write_project(root / "project", spec, package_path=REPO)
    (path / "models" / f"{PROBE}.sql").write_text("select 1 as x\n")
    (path / "macros").mkdir(exist_ok=True)
    (path / "macros" / f"{NOOP}.sql").write_text(f"{{% macro {NOOP}() %}}{{% endmacro %}}\n")
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


def _measured(project: Path, argv: list[str]) -> Sample:
    """Run ``argv`` under a tiny parent that reports the child's own rusage."""
    probe = (
        "import os, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)\n"
        "w = time.perf_counter() - t\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(f'{w} {r.ru_utime + r.ru_stime} {r.ru_maxrss}\\n')\n"
        "sys.stdout.buffer.write(p.stdout)\n"
        "sys.exit(p.returncode)\n"
    )
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project.parent / "profiles"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    proc = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{proc.stdout[-4000:]}{proc.stderr}")
    wall, cpu, rss_kib = proc.stderr.strip().splitlines()[-1].split()
    return Sample(float(wall), float(cpu), float(rss_kib) / 1024)


def _dbt(project: Path, *args: str) -> Sample:
    return _measured(project, [DBT, *args])


def _last_invocation_statements(project: Path) -> int:
    """Registry statements of the last invocation in logs/dbt.log."""
    text = (project / "logs" / "dbt.log").read_text(errors="replace")
    last = text.rsplit("Running with dbt=", 1)[-1]
    return len(_STATEMENT.findall(last))


def _pairs(
    with_pkg: tuple[Path, list[str]], without: tuple[Path, list[str]]
) -> tuple[list[Sample], list[Sample]]:
    """Interleaved runs of both sides; (with samples, without samples)."""
    a: list[Sample] = []
    b: list[Sample] = []
    for _ in range(_runs()):
        a.append(_measured(with_pkg[0], with_pkg[1]))
        b.append(_measured(without[0], without[1]))
    return a, b


def _row(label: str, with_s: list[Sample], without_s: list[Sample], goal: float = GOAL) -> str:
    lines = []
    for name in ("wall", "cpu"):
        w = statistics.median(getattr(s, name) for s in with_s)
        wo = statistics.median(getattr(s, name) for s in without_s)
        ratio = w / wo if wo else float("nan")
        verdict = "ok" if ratio <= goal else "over"
        lines.append(
            f"{label + ' (' + name + ')':<52} {wo:>8.2f} {w:>8.2f} {ratio:>7.3f} {verdict:>5}"
        )
    peak_w = max(s.rss_mib for s in with_s)
    peak_wo = max(s.rss_mib for s in without_s)
    lines.append(f"{label + ' (peak MiB)':<52} {peak_wo:>8.0f} {peak_w:>8.0f}")
    return "\n".join(lines)


def _header(spec: Spec) -> None:
    print(
        f"\nproject: {spec.models} models, {spec.contracted} contracted x {spec.columns} "
        f"columns; medians of {_runs()} interleaved pairs (s)",
        flush=True,
    )
    print(f"{'':<52} {'without':>8} {'with':>8} {'ratio':>7} {'goal':>5}")


def _gate_costs(root: Path, spec: Spec, states: bool) -> None:
    with_pkg = _project(root / "with", spec, with_package=True)
    without = _project(root / "without", spec, with_package=False)
    _header(spec)
    parse = ["parse", "--no-partial-parse"]
    a, b = _pairs((with_pkg, [DBT, *parse]), (without, [DBT, *parse]))
    print(_row("dbt parse --no-partial-parse", a, b), flush=True)
    run = ["run", "--no-partial-parse", "--select", PROBE]
    if states:
        # No contract published yet: every asset is a candidate on every run.
        fresh = ["--vars", "{tessera_publish: false}"]
        a, b = _pairs((with_pkg, [DBT, *run, *fresh]), (without, [DBT, *run, *fresh]))
        print(_row(f"gated run --select {PROBE}, new", a, b), flush=True)
    # A full run builds every model and publishes every contract: the steady state.
    for project in (with_pkg, without):
        _dbt(project, "run")
    a, b = _pairs((with_pkg, [DBT, *run]), (without, [DBT, *run]))
    print(_row(f"gated run --select {PROBE}, steady", a, b), flush=True)
    _dbt(with_pkg, "run", "--select", PROBE)
    print(
        f"registry statements in a steady gated run: {_last_invocation_statements(with_pkg)}",
        flush=True,
    )
    if states:
        print(f"\nCLI read commands vs a bare run-operation (goal: ratio <= {CLI_GOAL})")
        print(f"{'':<52} {'bare':>8} {'tessera':>8} {'ratio':>7} {'goal':>5}")
        bare = [DBT, "run-operation", NOOP]
        _measured(with_pkg, bare)  # partial parse state, as a user's second command has
        for words in CLI_READS:
            a, b = _pairs((with_pkg, [TESSERA, *words]), (with_pkg, bare))
            print(_row(f"tessera {' '.join(words)}", a, b, goal=CLI_GOAL), flush=True)


def main() -> None:
    """Print the timing tables, registry statement counts and the scale figures."""
    root = Path(tempfile.mkdtemp(prefix="tessera-bench-gate-"))
    try:
        _gate_costs(root / "main", SPEC, states=True)
        print(f"(goal: ratio of medians <= {GOAL})")

        print("\nregistry statements per gated run (dbt run --select one model)")
        print(f"{'assets':>7} {'first (creates registry)':>25} {'next':>6}")
        for spec in QUERY_SPECS:
            project = _project(root / f"q{spec.contracted}", spec, with_package=True)
            _dbt(project, "run", "--select", PROBE)
            first = _last_invocation_statements(project)
            _dbt(project, "run", "--select", PROBE)
            again = _last_invocation_statements(project)
            print(f"{spec.contracted:>7} {first:>25} {again:>6}", flush=True)

        if os.environ.get("TESSERA_BENCH_SCALE", "1") not in {"0", "false", "no"}:
            _gate_costs(root / "scale", SCALE_SPEC, states=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
