"""The wheel alone is enough: it carries the dbt package, and ``tessera demo`` runs from it.

The install test builds the wheel, installs it (without dependencies) into a fresh virtual
environment that reuses this one's site-packages through a ``.pth`` file, and runs the
console script there, away from the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.harness import REPO_ROOT

PACKAGE_FILES = ("dbt_project.yml", "macros/", "models/")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), "."],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    (found,) = out.glob("tessera_dbt-*.whl")
    return found


def test_wheel_carries_the_dbt_package_and_the_plugin_shim(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for item in PACKAGE_FILES:
        assert any(n.startswith(f"tessera_dbt/dbt_package/{item}") for n in names), item
    assert any(n.startswith("tessera_dbt/dbt_package/macros/operations/") for n in names)
    assert "dbt_tessera/__init__.py" in names
    assert "tessera_dbt/cli/main.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "tessera = tessera_dbt.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
@pytest.mark.duckdb
def test_pip_install_wheel_runs_package_path_and_demo(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from this environment, but not the checkout itself: leave out
    # the editable install's path files so only the wheel provides tessera_dbt.
    ours = Path(sysconfig.get_paths()["purelib"])
    (site / "zz_reuse_deps.pth").write_text(f"{ours}\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DBT_PROFILES_DIR")}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    tessera = str(venv / "bin" / "tessera")

    path = subprocess.run(
        [tessera, "package-path"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert path.returncode == 0, path.stderr
    package = Path(path.stdout.strip())
    assert package.is_relative_to(site), package
    assert (package / "dbt_project.yml").is_file() and (package / "macros").is_dir()

    demo = subprocess.run(
        [tessera, "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600
    )
    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr
    assert "Tessera blocked this run" in demo.stdout
    assert "'2.0.0']" in demo.stdout
