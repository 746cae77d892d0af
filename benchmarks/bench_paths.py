"""What each way of running the gate costs against a plain ``dbt build`` (``make bench``;
``python -m benchmarks paths``).

On a generated project (``TESSERA_BENCH_PATHS_MODELS`` models, default 300, a fifth of them
contracted with 10 columns), after a full build published every contract (a deploy's steady
state), each variant builds one small uncontracted model:

- ``dbt build`` of the same project without the tessera package (the baseline);
- the plugin path: ``dbt build`` with the package and the plugin;
- ``tessera build``: the evaluation on manifest.json (dbt in-process through dbtRunner for
  the registry read, which also parses, and the record), then ``dbt build`` as a subprocess;
- ``tessera build`` with ``TESSERA_DBT_SUBPROCESS=1``: every dbt call a subprocess, as
  where dbt has no Python API (dbt v2).

Median wall and CPU seconds (the process and its children) of ``TESSERA_BENCH_RUNS``
(default 3) runs, variants interleaved. DuckDB in temporary folders; nothing is asserted.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_gate import PROBE, _project, _runs
from benchmarks.generate import Spec

BIN = Path(sys.executable).parent


def _spec() -> Spec:
    models = max(10, int(os.environ.get("TESSERA_BENCH_PATHS_MODELS", "300")))
    return Spec(models=models, contracted=max(1, models // 5), columns=10)


def _time(project: Path, argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    full = {
        **os.environ,
        **(env or {}),
        "DBT_PROFILES_DIR": str(project.parent / "profiles"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=project, env=full, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{proc.stdout[-4000:]}{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Print one row per variant: median wall and CPU seconds, and the ratio to plain dbt."""
    spec = _spec()
    root = Path(tempfile.mkdtemp(prefix="tessera-bench-paths-"))
    try:
        with_pkg = _project(root / "with", spec, with_package=True)
        without = _project(root / "without", spec, with_package=False)
        dbt, tessera = str(BIN / "dbt"), str(BIN / "tessera")
        for project in (with_pkg, without):
            _time(project, [dbt, "build"])
        select = ["build", "--select", PROBE]
        variants: list[tuple[str, Path, list[str], dict[str, str]]] = [
            ("plain dbt build (no tessera package)", without, [dbt, *select], {}),
            ("plugin: dbt build", with_pkg, [dbt, *select], {}),
            ("tessera build (dbtRunner)", with_pkg, [tessera, *select], {}),
            (
                "tessera build (subprocesses only)",
                with_pkg,
                [tessera, *select],
                {"TESSERA_DBT_SUBPROCESS": "1"},
            ),
        ]
        timings: dict[str, list[tuple[float, float]]] = {v[0]: [] for v in variants}
        for _ in range(_runs()):
            for label, project, argv, env in variants:
                timings[label].append(_time(project, argv, env))
        print(
            f"project: {spec.models} models, {spec.contracted} contracted x {spec.columns} "
            f"columns; {' '.join(select)}; median of {_runs()} runs (s)"
        )
        print(f"{'':<40} {'wall':>8} {'cpu':>8} {'cpu ratio':>10}")
        base_cpu = statistics.median(c for _, c in timings[variants[0][0]])
        for label, *_ in variants:
            wall = statistics.median(w for w, _ in timings[label])
            cpu = statistics.median(c for _, c in timings[label])
            print(f"{label:<40} {wall:>8.2f} {cpu:>8.2f} {cpu / base_cpu:>10.2f}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
