"""Generate large dbt projects and manifests for benchmarks.

Two outputs with the same shape: N models (M of them contracted, K columns each, realistic
data types, constraints and data tests, groups owned by teams, exposures):

- :func:`generate_manifest` builds a ``manifest.json`` (v12) dict directly, in memory, for
  benchmarks of the pure code (extraction, the gate);
- :func:`write_project` writes a dbt project folder whose ``dbt parse`` yields an equivalent
  manifest, for benchmarks that include dbt itself (parse + plugin). Every contracted
  model's SQL selects one literal per column cast to the declared type, so ``dbt build``
  also satisfies the contracts on DuckDB and PostgreSQL.

``python -m benchmarks.generate project DIR --models 5000 --contracted 1000 --columns 20``
``python -m benchmarks.generate manifest FILE --models 5000 ...``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT = "bench"
TEAMS = ("core-data", "payments", "growth", "marketing", "finance", "risk", "ops", "product")

# (dbt data_type, SQL literal cast to it): portable between DuckDB and PostgreSQL.
TYPES: tuple[tuple[str, str], ...] = (
    ("integer", "cast(42 as integer)"),
    ("bigint", "cast(9007199254740993 as bigint)"),
    ("smallint", "cast(7 as smallint)"),
    ("numeric(12,2)", "cast(1234.56 as numeric(12,2))"),
    ("numeric(18,4)", "cast(98765.4321 as numeric(18,4))"),
    ("double precision", "cast(3.14159 as double precision)"),
    ("varchar(20)", "cast('active' as varchar(20))"),
    ("varchar(255)", "cast('someone@example.com' as varchar(255))"),
    ("text", "cast('free text' as text)"),
    ("boolean", "cast(true as boolean)"),
    ("date", "cast('2024-03-01' as date)"),
    ("timestamp", "cast('2024-03-01 10:15:00' as timestamp)"),
    ("timestamp with time zone", "cast('2024-03-01 10:15:00+00' as timestamp with time zone)"),
)
STATUS_VALUES = ["active", "churned", "pending"]


@dataclass(frozen=True)
class Spec:
    """What to generate: ``models`` in all, ``contracted`` of them with ``columns`` each."""

    models: int = 5000
    contracted: int = 1000
    columns: int = 20
    seed: int = 0
    exposures: int = 50

    def __post_init__(self) -> None:
        if not 0 <= self.contracted <= self.models:
            raise ValueError("contracted must be between 0 and models")
        if self.columns < 3:
            raise ValueError("columns must be at least 3 (id, status, and one more)")


@dataclass(frozen=True)
class _Column:
    name: str
    data_type: str
    literal: str
    not_null: bool
    primary_key: bool
    tests: tuple[str, ...]


@dataclass(frozen=True)
class _Model:
    name: str
    contracted: bool
    group: str
    depends_on: tuple[str, ...]
    columns: tuple[_Column, ...]
    meta: dict[str, Any]


def _plan(spec: Spec) -> list[_Model]:
    """The models, deterministic for a seed; contracted ones spread evenly through the DAG."""
    rng = random.Random(spec.seed)
    stride = spec.models / spec.contracted if spec.contracted else 0.0
    contracted = {int(i * stride) for i in range(spec.contracted)}
    models: list[_Model] = []
    for i in range(spec.models):
        name = f"model_{i:05d}"
        deps: tuple[str, ...] = ()
        if i >= 10:
            # Mostly near neighbours (layers), sometimes a far one: a realistic fan-in.
            picks = {rng.randrange(max(0, i - 50), i) for _ in range(rng.choice((1, 1, 2, 3)))}
            deps = tuple(models[j].name for j in sorted(picks))
        is_contracted = i in contracted
        columns: list[_Column] = []
        ncols = spec.columns if is_contracted else 3
        for c in range(ncols):
            if c == 0:
                columns.append(
                    _Column("id", "integer", "cast(42 as integer)", True, True, ("unique",))
                )
                continue
            if c == 1:
                columns.append(
                    _Column(
                        "status",
                        "varchar(20)",
                        "cast('active' as varchar(20))",
                        False,
                        False,
                        ("accepted_values",),
                    )
                )
                continue
            dtype, literal = TYPES[rng.randrange(len(TYPES))]
            not_null = rng.random() < 0.3
            tests = ("not_null",) if rng.random() < 0.15 else ()
            columns.append(_Column(f"col_{c:03d}", dtype, literal, not_null, False, tests))
        meta: dict[str, Any] = {}
        if is_contracted and rng.random() < 0.5:
            meta = {
                "tessera": {
                    "owner": rng.choice(TEAMS),
                    "compatibility": rng.choice(("backward", "backward", "full", "forward")),
                    "guarantees": {"volume": {"min_rows": 1}},
                }
            }
        models.append(
            _Model(name, is_contracted, TEAMS[i % len(TEAMS)], deps, tuple(columns), meta)
        )
    return models


# -- manifest.json ---------------------------------------------------------------------
def _node_base(uid: str, name: str, resource_type: str, path: str) -> dict[str, Any]:
    return {
        "database": "warehouse",
        "schema": "main",
        "name": name,
        "resource_type": resource_type,
        "package_name": PROJECT,
        "path": path,
        "original_file_path": f"models/{path}",
        "unique_id": uid,
        "fqn": [PROJECT, name],
        "alias": name,
        "checksum": {"name": "sha256", "checksum": "0" * 64},
        "tags": [],
        "description": "",
        "meta": {},
        "docs": {"show": True, "node_color": None},
        "build_path": None,
        "unrendered_config": {},
        "created_at": 1700000000.0,
        "raw_code": "",
        "language": "sql",
        "refs": [],
        "sources": [],
        "metrics": [],
    }


def _constraints(col: _Column) -> list[dict[str, Any]]:
    out = []
    for kind, on in (("not_null", col.not_null), ("primary_key", col.primary_key)):
        if on:
            out.append(
                {
                    "type": kind,
                    "name": None,
                    "expression": None,
                    "warn_unenforced": True,
                    "warn_unsupported": True,
                    "to": None,
                    "to_columns": [],
                }
            )
    return out


def _model_node(m: _Model) -> dict[str, Any]:
    uid = f"model.{PROJECT}.{m.name}"
    node = _node_base(uid, m.name, "model", f"{m.name}.sql")
    node.update(
        {
            "config": {
                "enabled": True,
                "alias": None,
                "schema": None,
                "database": None,
                "tags": [],
                "meta": m.meta,
                "group": _group_name(m.group),
                "materialized": "table" if m.contracted else "view",
                "persist_docs": {},
                "contract": {"enforced": m.contracted, "alias_types": True},
                "access": "protected",
            },
            "meta": m.meta,
            "group": _group_name(m.group),
            "columns": {
                c.name: {
                    "name": c.name,
                    "description": f"The {c.name} column." if m.contracted else "",
                    "meta": {},
                    "data_type": c.data_type if m.contracted else None,
                    "constraints": _constraints(c) if m.contracted else [],
                    "quote": None,
                    "config": {"meta": {}, "tags": []},
                    "tags": [],
                    "granularity": None,
                    "doc_blocks": [],
                }
                for c in m.columns
                if m.contracted
            },
            "patch_path": f"{PROJECT}://models/_models.yml",
            "relation_name": f'"warehouse"."main"."{m.name}"',
            # In the order dbt records refs: the depends_on comments, then the from clause.
            "depends_on": {
                "macros": [],
                "nodes": [f"model.{PROJECT}.{d}" for d in (*m.depends_on[1:], *m.depends_on[:1])],
            },
            "compiled_path": None,
            "contract": {"enforced": m.contracted, "alias_types": True, "checksum": None},
            "access": "protected",
            "constraints": [],
            "version": None,
            "latest_version": None,
            "deprecation_date": None,
        }
    )
    return node


def _test_node(m: _Model, col: _Column, test: str) -> dict[str, Any]:
    model_uid = f"model.{PROJECT}.{m.name}"
    name = f"{test}_{m.name}_{col.name}"
    uid = f"test.{PROJECT}.{name}.{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    node = _node_base(uid, name, "test", f"{name}.sql")
    kwargs: dict[str, Any] = {
        "column_name": col.name,
        "model": f"{{{{ get_where_subquery(ref('{m.name}')) }}}}",
    }
    if test == "accepted_values":
        kwargs["values"] = STATUS_VALUES
    node.update(
        {
            "config": {"enabled": True, "severity": "ERROR", "where": None, "meta": {}},
            "column_name": col.name,
            "attached_node": model_uid,
            "file_key_name": f"models.{m.name}",
            "test_metadata": {"name": test, "kwargs": kwargs, "namespace": None},
            "depends_on": {"macros": [f"macro.dbt.test_{test}"], "nodes": [model_uid]},
        }
    )
    return node


def generate_manifest(spec: Spec | None = None, adapter_type: str = "duckdb") -> dict[str, Any]:
    """A manifest.json (v12) dict for ``spec``, as ``dbt parse`` of the project would write."""
    spec = spec or Spec()
    plan = _plan(spec)
    nodes: dict[str, Any] = {}
    for m in plan:
        node = _model_node(m)
        nodes[node["unique_id"]] = node
        if m.contracted:
            for col in m.columns:
                for test in col.tests:
                    t = _test_node(m, col, test)
                    nodes[t["unique_id"]] = t
    rng = random.Random(spec.seed + 1)
    contracted = [m for m in plan if m.contracted] or plan
    exposures: dict[str, Any] = {}
    for i in range(spec.exposures):
        uid = f"exposure.{PROJECT}.dashboard_{i:03d}"
        deps = sorted({f"model.{PROJECT}.{rng.choice(contracted).name}" for _ in range(3)})
        exposures[uid] = {
            "name": f"dashboard_{i:03d}",
            "resource_type": "exposure",
            "package_name": PROJECT,
            "unique_id": uid,
            "type": "dashboard",
            "owner": {"name": TEAMS[i % len(TEAMS)], "email": None},
            "meta": {},
            "config": {"enabled": True, "tags": [], "meta": {}},
            "depends_on": {"macros": [], "nodes": deps},
        }
    return {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
            "dbt_version": "1.11.16",
            "invocation_id": "00000000-0000-0000-0000-000000000000",
            "project_name": PROJECT,
            "adapter_type": adapter_type,
        },
        "nodes": nodes,
        "sources": {},
        "macros": {
            "macro.tessera.init": {"name": "init", "package_name": "tessera"},
            "macro.dbt.run_query": {"name": "run_query", "package_name": "dbt"},
        },
        "exposures": exposures,
        "groups": {
            f"group.{PROJECT}.{_group_name(t)}": {
                "name": _group_name(t),
                "resource_type": "group",
                "package_name": PROJECT,
                "unique_id": f"group.{PROJECT}.{_group_name(t)}",
                "owner": {"name": t, "email": None},
            }
            for t in TEAMS
        },
        "disabled": {},
    }


def _group_name(team: str) -> str:
    return team.replace("-", "_")


# -- a dbt project ---------------------------------------------------------------------
def _sql(m: _Model) -> str:
    select = ",\n    ".join(f"{c.literal} as {c.name}" for c in m.columns)
    if m.depends_on:
        refs = "\n".join(f"-- depends_on: {{{{ ref('{d}') }}}}" for d in m.depends_on[1:])
        head = f"{refs}\n" if refs else ""
        return f"{head}select\n    {select}\nfrom {{{{ ref('{m.depends_on[0]}') }}}}\nlimit 1\n"
    return f"select\n    {select}\n"


def _yml(m: _Model) -> dict[str, Any]:
    columns = []
    for c in m.columns:
        entry: dict[str, Any] = {"name": c.name, "description": f"The {c.name} column."}
        entry["data_type"] = c.data_type
        constraints = [
            {"type": k}
            for k, on in (("not_null", c.not_null), ("primary_key", c.primary_key))
            if on
        ]
        if constraints:
            entry["constraints"] = constraints
        tests: list[Any] = []
        for t in c.tests:
            if t == "accepted_values":
                tests.append({"accepted_values": {"arguments": {"values": STATUS_VALUES}}})
            else:
                tests.append(t)
        if tests:
            entry["data_tests"] = tests
        columns.append(entry)
    config: dict[str, Any] = {"contract": {"enforced": True}, "materialized": "table"}
    if m.meta:
        config["meta"] = m.meta
    return {"name": m.name, "config": config, "columns": columns}


def write_project(
    path: Path,
    spec: Spec | None = None,
    *,
    package_path: Path | None = None,
    profile: str = "tessera_test",
) -> Path:
    """Write a dbt project for ``spec`` into ``path`` (created); returns ``path``.

    ``package_path`` (default: this repository) is written to ``packages.yml`` as
    ``local:``; run ``dbt deps`` before parsing.
    """
    spec = spec or Spec()
    plan = _plan(spec)
    path.mkdir(parents=True, exist_ok=True)
    models_dir = path / "models"
    models_dir.mkdir(exist_ok=True)
    repo = package_path or Path(__file__).resolve().parents[1]
    (path / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": PROJECT,
                "version": "1.0.0",
                "config-version": 2,
                "profile": profile,
                "model-paths": ["models"],
                "models": {PROJECT: {"+materialized": "view"}},
            },
            sort_keys=False,
        )
    )
    (path / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(repo)}]}, sort_keys=False)
    )
    groups = [
        {"name": _group_name(t), "owner": {"name": t, "email": f"{t}@example.com"}} for t in TEAMS
    ]
    patches: list[dict[str, Any]] = []
    for m in plan:
        (models_dir / f"{m.name}.sql").write_text(_sql(m))
        entry = _yml(m) if m.contracted else {"name": m.name, "config": {}}
        entry["config"]["group"] = _group_name(m.group)
        patches.append(entry)
    (models_dir / "_groups.yml").write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    (models_dir / "_models.yml").write_text(
        yaml.safe_dump({"models": patches}, sort_keys=False, width=120)
    )
    rng = random.Random(spec.seed + 1)
    contracted = [m for m in plan if m.contracted] or plan
    exposures = [
        {
            "name": f"dashboard_{i:03d}",
            "type": "dashboard",
            "owner": {
                "name": TEAMS[i % len(TEAMS)],
                "email": f"{TEAMS[i % len(TEAMS)]}@example.com",
            },
            "depends_on": sorted({f"ref('{rng.choice(contracted).name}')" for _ in range(3)}),
        }
        for i in range(spec.exposures)
    ]
    (models_dir / "_exposures.yml").write_text(
        yaml.safe_dump({"exposures": exposures}, sort_keys=False)
    )
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``project DIR`` or ``manifest FILE`` with the spec as options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate")
    parser.add_argument("what", choices=["project", "manifest"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--models", type=int, default=Spec.models)
    parser.add_argument("--contracted", type=int, default=Spec.contracted)
    parser.add_argument("--columns", type=int, default=Spec.columns)
    parser.add_argument("--exposures", type=int, default=Spec.exposures)
    parser.add_argument("--seed", type=int, default=Spec.seed)
    parser.add_argument("--adapter", default="duckdb")
    args = parser.parse_args(argv)
    spec = Spec(args.models, args.contracted, args.columns, args.seed, args.exposures)
    if args.what == "project":
        write_project(args.path, spec)
    else:
        args.path.write_text(json.dumps(generate_manifest(spec, args.adapter)))
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
