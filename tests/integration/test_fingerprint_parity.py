"""Contract fingerprints: Python (from manifest.json and from the live Manifest the plugin
sees) and the package's macro (from ``graph``) agree on every case of
``tests/fixtures/fingerprint/cases.yaml``, computed in one dbt invocation.

on-run-start refuses an evaluation whose fingerprints differ from what it computes, so a
disagreement would fail closed on every build: this pins the canonical string.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tessera_dbt.core.fingerprint import contract_fingerprints
from tests.harness import FIXTURES, REPO_ROOT, DbtProject

pytestmark = [pytest.mark.slow, pytest.mark.duckdb]

CASES: list[dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "fingerprint" / "cases.yaml").read_text(encoding="utf-8")
)

PRINT_MACRO = """
{% macro print_fingerprints() %}
    {%- set ids = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- do ids.append(node.unique_id) -%}
    {%- endfor -%}
    {%- do print('FINGERPRINTS ' ~ tojson(tessera.contract_fingerprints(ids))) -%}
{% endmacro %}
"""

LIVE = """
import json, sys
from dbt.cli.main import dbtRunner
from tessera_dbt.core.fingerprint import contract_fingerprints
from tessera_dbt.plugin.dbt_compat import manifest_projection
res = dbtRunner().invoke(["parse", "--project-dir", sys.argv[1], "--log-level", "none"])
assert res.success, res.exception
print(json.dumps(contract_fingerprints(manifest_projection(res.result))))
"""


def _project(new_project: Callable[..., DbtProject]) -> DbtProject:
    project = new_project("duckdb", template="gate", deps=False)
    packages = project.dir / "dbt_packages"
    packages.mkdir(exist_ok=True)
    os.symlink(REPO_ROOT, packages / "tessera", target_is_directory=True)
    models = project.dir / "models"
    for path in models.iterdir():
        path.unlink()
    entries = []
    for case in CASES:
        entry = {"name": case["name"], **case["model"]}
        entries.append(entry)
        files = (
            [f"{case['name']}_v{v['v']}" for v in entry["versions"]]
            if "versions" in entry
            else [case["name"]]
        )
        for name in files:
            (models / f"{name}.sql").write_text("select 1 as id\n")
    (models / "_models.yml").write_text(
        yaml.safe_dump({"version": 2, "models": entries}, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    (project.dir / "macros" / "print_fingerprints.sql").write_text(PRINT_MACRO)
    return project


def test_python_and_jinja_fingerprints_agree(new_project: Callable[..., DbtProject]) -> None:
    project = _project(new_project)
    res = project.dbt("run-operation", "print_fingerprints")
    [line] = [x for x in res.stdout.splitlines() if "FINGERPRINTS " in x]
    jinja: dict[str, str] = json.loads(line.split("FINGERPRINTS ", 1)[1])
    manifest = json.loads((project.dir / "target" / "manifest.json").read_text(encoding="utf-8"))
    python = contract_fingerprints(manifest)

    by_name = {uid.split(".", 2)[2]: uid for uid in python.keys() | jinja.keys()}
    for case in CASES:
        names = [n for n in by_name if n == case["name"] or n.startswith(case["name"] + ".v")]
        if not case["fingerprinted"]:
            assert names == [], case["name"]
            continue
        assert names, f"{case['name']}: no fingerprint in Python or Jinja"
        for name in names:
            uid = by_name[name]
            assert python.get(uid) == jinja.get(uid), f"{name}: Python and Jinja differ"
    assert python == jinja

    # The plugin computes them from the live Manifest: the same values.
    live = subprocess.run(
        [sys.executable, "-c", LIVE, str(project.dir)],
        env={**os.environ, "DBT_PROFILES_DIR": str(project.profiles_dir)},
        cwd=project.dir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert live.returncode == 0, live.stderr[-3000:]
    assert json.loads(live.stdout.strip().splitlines()[-1]) == python

    # Every case is fingerprinted differently (each contract-relevant part counts).
    assert len(set(python.values())) == len(python)
