"""Create a virtual environment with one dbt minor version and this project installed.

    python scripts/install_dbt.py --venv .venv-1.12 --dbt 1.12 [--extras duckdb,postgres,dev]

Versions come from ``constraints/dbt-<minor>.txt``. When that dbt-core installs plainly
(1.10, 1.11) this is ``pip install -c constraints -e '.[extras]'``. dbt-core 1.12.x requires
``dbt-core-experimental-parser``, whose build downloads a wheel from GitHub (it fails on an
index-only machine) and which dbt 1.12 only uses under ``--use-v2-parser``: then dbt-core and
every distribution that requires dbt-core (the adapters, dbt-loom, this project) are
installed ``--no-deps``, and everything they require, read from their installed metadata,
is installed normally (minus the parser).

Standard library only: it runs before the venv has anything but pip.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARSER = "dbt-core-experimental-parser"
# Distributions that require dbt-core: with pip's resolver they would pull the parser in.
DBT_DEPENDANTS = ("dbt-duckdb", "dbt-postgres", "dbt-loom")
EXTRA_DISTS = {"duckdb": "dbt-duckdb", "postgres": "dbt-postgres", "dev": "dbt-loom"}

# Runs inside the target venv: the requirements of installed distributions, markers
# evaluated (with the given extras), as "name<spec>" strings. pip vendors `packaging`.
_REQUIRES = r"""
import json, sys
from importlib.metadata import distribution
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
wanted = json.loads(sys.argv[1])
out = []
for name, extras in wanted.items():
    for text in distribution(name).requires or []:
        req = Requirement(text)
        envs = [{"extra": e} for e in (extras or [""])]
        if req.marker is not None and not any(req.marker.evaluate(e) for e in envs):
            continue
        extra = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        out.append(f"{req.name}{extra}{req.specifier}")
print(json.dumps(out))
"""


def _canon(requirement: str) -> str:
    """The normalized distribution name of a requirement string."""
    name = re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip(python: Path, *args: str) -> None:
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    print("+", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True)


def _requires(python: Path, wanted: dict[str, list[str]]) -> list[str]:
    out = subprocess.run(
        [str(python), "-c", _REQUIRES, json.dumps(wanted)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return list(json.loads(out))


def install(venv_dir: Path, minor: str, extras: list[str], editable: bool) -> None:
    """Create ``venv_dir`` if needed and install dbt ``minor`` with the project into it."""
    constraints = ROOT / "constraints" / f"dbt-{minor}.txt"
    if not constraints.is_file():
        known = sorted(p.stem.removeprefix("dbt-") for p in (ROOT / "constraints").glob("*.txt"))
        sys.exit(f"--dbt {minor}: no {constraints.name}; one of {', '.join(known)}")
    python = venv_dir / "bin" / "python"
    if not python.exists():
        venv.create(venv_dir, with_pip=True)
    _pip(python, "--upgrade", "pip")
    project = [
        *(["-e"] if editable else []),
        f"{ROOT}[{','.join(extras)}]" if extras else str(ROOT),
    ]
    c = ["-c", str(constraints)]
    _pip(python, *c, "--no-deps", "dbt-core")
    if PARSER not in {_canon(r) for r in _requires(python, {"dbt-core": []})}:
        _pip(python, *c, *project)  # installs plainly
        return
    dependants = [EXTRA_DISTS[e] for e in extras if e in EXTRA_DISTS]
    _pip(python, *c, "--no-deps", *dependants, *project)
    skip = {PARSER, "dbt-core", "tessera-dbt", *DBT_DEPENDANTS}
    wanted: dict[str, list[str]] = {"dbt-core": [], "tessera-dbt": extras}
    wanted.update({d: [] for d in dependants})
    requirements = sorted({r for r in _requires(python, wanted) if _canon(r) not in skip})
    _pip(python, *c, *requirements)


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", required=True, type=Path)
    parser.add_argument("--dbt", required=True, help="a dbt minor version, e.g. 1.12")
    parser.add_argument("--extras", default="duckdb,postgres,dev")
    parser.add_argument("--no-editable", action="store_true")
    ns = parser.parse_args()
    extras = [e for e in ns.extras.split(",") if e]
    install(ns.venv.resolve(), ns.dbt, extras, editable=not ns.no_editable)


if __name__ == "__main__":
    main()
