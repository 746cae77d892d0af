"""The plugin as users get it: found by a real dbt after a wheel install, silent without
the package.

dbt discovers plugins by scanning top-level ``dbt_*`` modules (pkgutil), which editable
installs can hide; so this installs the built wheel, non-editable, into a fresh virtualenv
and runs ``dbt parse`` there. The wheel also carries the dbt package, which the project
uses from the installed copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness import REPO_ROOT, DbtProject, write_profiles

pytestmark = [pytest.mark.slow, pytest.mark.duckdb]

RUN_DBT = "import sys\nfrom dbt.cli.main import cli\nsys.exit(cli())\n"


def _fresh_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A virtualenv with only the tessera-dbt wheel installed (no editable path).

    Its dependencies (dbt-core, adapters) come from the test's own environment through a
    path file placed after the venv's site-packages, so the wheel's copy of tessera_dbt and
    dbt_tessera is the one Python finds, and nothing is downloaded.
    """
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(wheels),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("tessera_dbt-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # A .pth line only appends a folder: .pth files inside it (this repo's editable path)
    # are not processed, so /work-tree sources stay invisible.
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python, site


def test_wheel_install_is_discovered_by_dbt_parse(
    tmp_path: Path, new_project: Callable[..., DbtProject]
) -> None:
    python, site = _fresh_venv(tmp_path)
    where = subprocess.run(
        [str(python), "-c", "import dbt_tessera, tessera_dbt; print(tessera_dbt.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(str(site)), where

    project = new_project("duckdb", template="gate", deps=False)
    packages = project.dir / "dbt_packages"
    packages.mkdir()
    # The dbt package as the wheel ships it (tessera_dbt/dbt_package).
    os.symlink(site / "tessera_dbt" / "dbt_package", packages / "tessera")
    script = tmp_path / "run_dbt.py"
    script.write_text(RUN_DBT)
    # As `tessera check` runs it: parse, evaluating without writing to the registry.
    env = {**os.environ, "DBT_PROFILES_DIR": str(project.profiles_dir), "TESSERA_CHECK_ONLY": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [str(python), str(script), "parse"],
        cwd=project.dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Tessera: checked 5 contracted model(s): 5 new" in proc.stdout, proc.stdout
    report = json.loads((project.dir / "target" / "tessera_check.json").read_text())
    assert report["command"] == "parse" and report["passed"] is True
    assert {d["verdict"] for d in report["decisions"]} == {"new"}
    # parse never creates the registry.
    assert not project.table_exists("tessera_checks")


def test_plugin_does_nothing_without_the_package(tmp_path: Path) -> None:
    project_dir = tmp_path / "plain"
    (project_dir / "models").mkdir(parents=True)
    (project_dir / "dbt_project.yml").write_text(
        "name: plain\nversion: '1.0.0'\nconfig-version: 2\nprofile: tessera_test\n"
    )
    (project_dir / "models" / "m.sql").write_text("select cast(1 as integer) as id\n")
    (project_dir / "models" / "m.yml").write_text(
        "models:\n  - name: m\n    config: {contract: {enforced: true}, materialized: table}\n"
        "    columns: [{name: id, data_type: integer}]\n"
    )
    write_profiles(tmp_path / "profiles", project_dir, "duckdb")
    project = DbtProject(project_dir, "duckdb", tmp_path / "profiles")
    result = project.dbt("run")
    assert "Tessera" not in result.stdout
    assert not (project_dir / "target" / "tessera_check.json").exists()
    schemas = project.query("select schema_name from information_schema.schemata")
    assert "tessera" not in {s for (s,) in schemas}
