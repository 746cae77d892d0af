"""Helpers shared by the gate's end-to-end tests (no tests here).

The ``gate`` fixture project (tests/fixtures/gate) has literal-only models, so a dbt call
costs dbt's own overhead and little else; these helpers edit its models and read what the
gate decided and published.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tests.harness import DbtProject, DbtResult

MODELS_YML = "models/_models.yml"

# (column name, data_type, SQL literal of that type)
Column = tuple[str, str, str]


def gate_project(new_project: Callable[..., DbtProject], adapter: str) -> DbtProject:
    """A copy of tests/fixtures/gate with the package installed (``new_project`` or
    ``module_project``)."""
    return new_project(adapter, template="gate")


def model_spec(project: DbtProject, name: str) -> dict[str, Any]:
    """The yml entry of a model (a live dict: edit it, then save with ``save_models``)."""
    data = project.read_yaml(MODELS_YML)
    return next(m for m in data["models"] if m["name"] == name)


def edit_models(project: DbtProject, **changes: Any) -> None:
    """Replace yml entries: ``edit_models(p, orders={...})``; ``None`` removes the entry."""
    data = project.read_yaml(MODELS_YML)
    out = []
    for entry in data["models"]:
        if entry["name"] in changes:
            if changes[entry["name"]] is not None:
                out.append(changes[entry["name"]])
        else:
            out.append(entry)
    known = {m["name"] for m in data["models"]}
    out.extend(v for k, v in changes.items() if k not in known and v is not None)
    data["models"] = out
    project.write_yaml(MODELS_YML, data)


def write_model(
    project: DbtProject,
    name: str,
    columns: Sequence[Column],
    *,
    yml: dict[str, Any] | None = None,
    keep: Iterable[str] = ("constraints", "data_tests", "description"),
) -> None:
    """Write ``models/<name>.sql`` selecting the literals, and its yml columns.

    Existing column properties listed in ``keep`` survive for columns that stay, so a test
    says only what changes.
    """
    select = ",\n    ".join(f"{lit} as {col}" for col, _, lit in columns)
    project.write(f"models/{name}.sql", f"select\n    {select}\n")
    entry = yml if yml is not None else _current(project, name)
    old = {c["name"]: c for c in entry.get("columns") or []}
    cols = []
    for col, dtype, _ in columns:
        spec: dict[str, Any] = {"name": col, "data_type": dtype}
        for key in keep:
            if key in old.get(col, {}):
                spec[key] = old[col][key]
        cols.append(spec)
    entry = {**entry, "columns": cols}
    edit_models(project, **{name: entry})


def _current(project: DbtProject, name: str) -> dict[str, Any]:
    try:
        return model_spec(project, name)
    except StopIteration:
        return {"name": name}


def check_report(project: DbtProject) -> dict[str, Any]:
    """target/tessera_check.json of the last evaluated invocation."""
    return json.loads((project.dir / "target" / "tessera_check.json").read_text())


def verdicts(project: DbtProject) -> dict[str, str]:
    """asset_id -> verdict, from target/tessera_check.json."""
    return {d["asset_id"]: d["verdict"] for d in check_report(project)["decisions"]}


def published(project: DbtProject) -> dict[str, list[str]]:
    """asset_id -> published versions, oldest first."""
    out: dict[str, list[str]] = {}
    for asset_id, version in project.query(
        "select asset_id, version from {schema}.tessera_contracts order by asset_id, major, minor, patch"
    ):
        out.setdefault(asset_id, []).append(version)
    return out


def proposals(project: DbtProject) -> dict[str, tuple[str, str]]:
    """proposal_id -> (asset_id, status)."""
    rows = project.query("select proposal_id, asset_id, status from {schema}.tessera_proposals")
    return {pid: (asset, status) for pid, asset, status in rows}


def open_proposal(project: DbtProject, asset_id: str) -> str:
    """The id of the one pending/approved/rejected proposal of an asset."""
    ids = [
        pid
        for pid, (asset, status) in proposals(project).items()
        if asset == asset_id and status in ("pending", "approved", "rejected")
    ]
    assert len(ids) == 1, proposals(project)
    return ids[0]


def models_ran(result: DbtResult) -> bool:
    """Whether dbt started any model (the gate must stop a run before that)."""
    return "START sql" in result.stdout


def ops(project: DbtProject, *steps: tuple[str, dict[str, Any]], expect: int = 0) -> DbtResult:
    """Several Tessera operations in one dbt call (the fixture's ``gate_ops`` macro)."""
    payload = {"ops": [{"op": op, "args": args} for op, args in steps]}
    return project.dbt("run-operation", "gate_ops", "--args", json.dumps(payload), expect=expect)


def setup_consumers(project: DbtProject, team: str, models: Sequence[str]) -> DbtResult:
    """Create ``team`` and register it on ``models`` (one dbt call)."""
    return project.dbt(
        "run-operation",
        "gate_setup",
        "--args",
        json.dumps({"team": team, "models": list(models)}),
    )
