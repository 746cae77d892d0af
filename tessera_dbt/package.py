"""Where the dbt package ``tessera`` lives on disk (a checkout, or the wheel's copy)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def package_path() -> Path:
    """The folder holding the dbt package's ``dbt_project.yml``.

    In a checkout (or an editable install) that is the repository root; a wheel carries a
    copy under ``tessera_dbt/dbt_package`` so the plugin and the macros stay at one version.
    """
    for candidate in (_HERE.parent, _HERE / "dbt_package"):
        project = candidate / "dbt_project.yml"
        if project.is_file() and (candidate / "macros").is_dir():
            text = project.read_text(encoding="utf-8")
            if "name: tessera" in text:
                return candidate
    raise FileNotFoundError(
        "the tessera dbt package was not found next to tessera_dbt; reinstall tessera-dbt"
    )
