"""Registrations derived from a project (tessera_dbt.core.consumers): exposures and refs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tessera_dbt.core.consumers import (
    DerivedRegistration,
    derive_registrations,
    lineage_key,
    merge_registrations,
    merged_derived,
    model_code,
    project_of,
    split_refs,
)
from tessera_dbt.core.extract import Project, extract_project


def _model(
    uid: str,
    *,
    group: str | None = None,
    owner: str | None = None,
    columns: tuple[str, ...] = (),
    depends_on: tuple[str, ...] = (),
    raw_code: str = "select 1",
    compiled_code: str | None = None,
    relation: str | None = None,
) -> dict[str, Any]:
    _, package, name = uid.split(".")[:3]
    meta = {"tessera": {"owner": owner}} if owner else {}
    return {
        "unique_id": uid,
        "resource_type": "model",
        "name": name,
        "package_name": package,
        "config": {
            "materialized": "table",
            "contract": {"enforced": bool(columns)},
            "meta": meta,
            "group": group,
        },
        "columns": {c: {"name": c, "data_type": "integer"} for c in columns},
        "depends_on": {"nodes": list(depends_on)},
        "raw_code": raw_code,
        "compiled_code": compiled_code,
        "relation_name": relation or f'"wh"."main"."{name}"',
    }


def _project(*nodes: dict[str, Any], exposures: Any = (), project: str = "shop") -> Project:
    manifest = {
        "metadata": {"project_name": project, "adapter_type": "duckdb"},
        "nodes": {n["unique_id"]: n for n in nodes},
        "exposures": {e["unique_id"]: e for e in exposures},
        "groups": {
            "group.shop.core": {"name": "core", "owner": {"name": "core-data"}},
            "group.shop.marketing": {"name": "marketing", "owner": {"name": "marketing"}},
        },
    }
    return extract_project(manifest)


def _code(*nodes: dict[str, Any]) -> dict[str, str]:
    return model_code({"nodes": {n["unique_id"]: n for n in nodes}})


ORDERS = _model(
    "model.shop.orders", owner="core-data", columns=("order_id", "customer_id", "amount", "status")
)


def _exposure(name: str, owner: str, *deps: str, team: str | None = None) -> dict[str, Any]:
    return {
        "unique_id": f"exposure.shop.{name}",
        "name": name,
        "package_name": "shop",
        "owner": {"name": owner},
        "meta": {"tessera": {"team": team}} if team else {},
        "depends_on": {"nodes": list(deps)},
    }


def test_exposure_registers_its_team_on_all_columns() -> None:
    project = _project(
        ORDERS,
        exposures=[
            _exposure("dash", "finance", "model.shop.orders"),
            _exposure("mine", "core-data", "model.shop.orders"),  # the owner: never
            _exposure("meta", "someone", "model.shop.orders", team="risk"),
        ],
    )
    assert derive_registrations(project) == [
        DerivedRegistration(
            "model.shop.orders", "finance", "exposure", None, ("exposure.shop.dash",)
        ),
        DerivedRegistration("model.shop.orders", "risk", "exposure", None, ("exposure.shop.meta",)),
    ]


def test_ref_of_another_team_registers_the_columns_it_reads() -> None:
    mkt = _model(
        "model.shop.mkt_order_values",
        group="marketing",
        depends_on=("model.shop.orders",),
        raw_code="-- two columns\nselect order_id, amount from {{ ref('orders') }} where amount > 0",
    )
    same_team = _model(
        "model.shop.core_stats",
        owner="core-data",
        depends_on=("model.shop.orders",),
        raw_code="select * from {{ ref('orders') }}",
    )
    no_owner = _model("model.shop.scratch", depends_on=("model.shop.orders",))
    project = _project(ORDERS, mkt, same_team, no_owner)
    code = model_code({"nodes": {n["unique_id"]: n for n in (ORDERS, mkt, same_team, no_owner)}})
    assert derive_registrations(project, code) == [
        DerivedRegistration(
            "model.shop.orders",
            "marketing",
            "ref",
            ("amount", "order_id"),
            ("model.shop.mkt_order_values",),
        )
    ]


def test_columns_unite_and_fall_back_to_all() -> None:
    a = _model(
        "model.shop.a",
        group="marketing",
        depends_on=("model.shop.orders",),
        raw_code="select order_id from {{ ref('orders') }}",
    )
    b = _model(
        "model.shop.b",
        group="marketing",
        depends_on=("model.shop.orders",),
        raw_code="select status, not_a_column from {{ ref('orders') }}",
    )
    (reg,) = derive_registrations(_project(ORDERS, a, b), _code(a, b))
    assert reg.columns == ("order_id", "status")
    assert reg.source_ref == "model.shop.a,model.shop.b"
    c = _model(
        "model.shop.c",
        group="marketing",
        depends_on=("model.shop.orders",),
        raw_code="select * from {{ ref('orders') }}",
    )
    (reg,) = derive_registrations(_project(ORDERS, a, c), _code(a, c))
    assert reg.columns is None


def test_compiled_code_is_matched_on_the_relation_name() -> None:
    m = _model(
        "model.shop.m",
        group="marketing",
        depends_on=("model.shop.orders",),
        compiled_code='select o.status from "wh"."main"."orders" as o',
    )
    (reg,) = derive_registrations(_project(ORDERS, m))
    assert reg.columns == ("status",)


def test_jinja_beyond_refs_means_all_columns() -> None:
    m = _model(
        "model.shop.m",
        group="marketing",
        depends_on=("model.shop.orders",),
        raw_code="select {{ dbt_utils.star(ref('orders')) }} from {{ ref('orders') }}",
    )
    (reg,) = derive_registrations(_project(ORDERS, m), _code(m))
    assert reg.columns is None


def test_cross_project_refs_register_the_project_team_when_the_registry_knows_the_asset() -> None:
    upstream = _model("model.shop.orders")  # injected by dbt-loom: no contract, no columns
    upstream["package_name"] = "shop"
    report = _model(
        "model.analytics.report",
        depends_on=("model.shop.orders", "model.shop.stg_orders"),
        raw_code="select o.order_id, o.status from {{ ref('shop', 'orders') }} o",
    )
    project = _project(upstream, report, project="analytics")
    code = _code(report)
    assert derive_registrations(project, code, team="analytics") == []  # registry unknown
    regs = derive_registrations(
        project, code, team="analytics", registry_assets={"model.shop.orders": "core-data"}
    )
    assert regs == [
        DerivedRegistration(
            "model.shop.orders",
            "analytics",
            "ref",
            ("order_id", "status"),
            ("model.analytics.report",),
        )
    ]
    # The project's team owning the upstream asset: nothing to register.
    assert (
        derive_registrations(
            project, code, team="core-data", registry_assets={"model.shop.orders": "core-data"}
        )
        == []
    )


@dataclass(frozen=True)
class _Stored:
    team: str
    source: str
    columns: tuple[str, ...] | None = None
    source_ref: str | None = None


def _make(d: DerivedRegistration) -> _Stored:
    return _Stored(d.team, d.source, d.columns, d.source_ref)


def test_merge_replaces_this_projects_derived_rows_only() -> None:
    existing = {
        "model.shop.orders": (
            _Stored("growth", "manual", ("order_id",)),
            _Stored("finance", "exposure", None, "exposure.shop.old_dash"),
            _Stored("bi", "ref", ("status",), "model.analytics.report"),  # another project
            _Stored("marketing", "ref", ("amount",), "model.shop.x,model.other.y"),
        )
    }
    derived = [
        DerivedRegistration(
            "model.shop.orders", "marketing", "ref", ("order_id",), ("model.shop.z",)
        ),
        DerivedRegistration("model.shop.dim", "finance", "exposure", None, ("exposure.shop.d",)),
    ]
    merged = merge_registrations(existing, derived, "shop", _make)
    assert merged["model.shop.orders"] == (
        _Stored("growth", "manual", ("order_id",)),
        _Stored("bi", "ref", ("status",), "model.analytics.report"),
        _Stored("marketing", "ref", ("amount", "order_id"), "model.other.y,model.shop.z"),
    )
    assert merged["model.shop.dim"] == (_Stored("finance", "exposure", None, "exposure.shop.d"),)
    # What the sync macro is handed: the same merged rows (it no longer merges itself).
    rows = merged_derived(existing, derived, "shop")
    assert [(r.team, r.columns, r.source_refs) for r in rows] == [
        ("marketing", ("amount", "order_id"), ("model.other.y", "model.shop.z")),
        ("finance", None, ("exposure.shop.d",)),
    ]
    # Columns sort by code point (upper case first), whatever the database returns.
    mixed = {"a": (_Stored("t", "ref", ("b", "A"), "model.other.m"),)}
    [row] = merged_derived(
        mixed, [DerivedRegistration("a", "t", "ref", ("a",), ("model.shop.n",))], "shop"
    )
    assert row.columns == ("A", "a", "b")


def test_helpers() -> None:
    assert split_refs("a.b.c, d.e.f,") == ["a.b.c", "d.e.f"]
    assert split_refs(None) == []
    assert project_of("model.shop.orders.v2") == "shop"
    assert project_of("nonsense") is None
    row = DerivedRegistration("a", "t", "ref", ("x",), ("m1", "m2")).as_row()
    assert row == {
        "asset_id": "a",
        "team": "t",
        "source": "ref",
        "columns": ["x"],
        "source_ref": ["m1", "m2"],
        "star_refs": [],
    }


def test_model_code_reads_live_manifest_nodes_by_attribute() -> None:
    class Node:
        def __init__(self, kind: str, raw: str, compiled: str | None = None) -> None:
            self.resource_type = kind
            self.raw_code = raw
            self.compiled_code = compiled

    class Manifest:
        nodes = {  # noqa: RUF012
            "model.shop.a": Node("NodeType.Model", "select 1"),
            "model.shop.b": Node("model", "select {{ x }}", "select 2"),
            "test.shop.t": Node("test", "select 3"),
        }

    assert model_code(Manifest()) == {"model.shop.a": "select 1", "model.shop.b": "select 2"}


def test_versioned_refs_point_to_their_version() -> None:
    v1 = _model("model.shop.rev.v1", owner="core-data", columns=("status", "revenue"))
    v2 = _model("model.shop.rev.v2", owner="core-data", columns=("status", "revenue", "n"))
    v1.update(version=1, latest_version=2)
    v2.update(version=2, latest_version=2)
    m = _model(
        "model.shop.m",
        group="marketing",
        depends_on=("model.shop.rev.v1", "model.shop.rev.v2"),
        raw_code="select a.status, b.n from {{ ref('rev', v=1) }} a join {{ ref('rev') }} b on true",
    )
    regs = derive_registrations(_project(v1, v2, m), _code(m))
    assert [(r.asset_id, r.columns) for r in regs] == [
        ("model.shop.rev.v1", ("status",)),
        ("model.shop.rev.v2", ("n",)),
    ]


def test_lineage_cache_is_filled_then_read_and_misses_on_changed_sql() -> None:
    sql = "select order_id, amount from {{ ref('orders') }}"
    mkt = _model(
        "model.shop.mkt_order_values",
        group="marketing",
        depends_on=("model.shop.orders",),
        raw_code=sql,
    )
    project = _project(ORDERS, mkt)
    code = model_code({"nodes": {n["unique_id"]: n for n in (ORDERS, mkt)}})
    cache: dict[str, list[str] | None] = {}
    fresh = derive_registrations(project, code, lineage_cache=cache)
    assert fresh[0].columns == ("amount", "order_id")
    assert list(cache.values()) == [["amount", "order_id"]]
    # A cached answer is used as it is (here planted, to prove the cache is read) ...
    (key,) = cache
    cache[key] = ["order_id"]
    assert derive_registrations(project, code, lineage_cache=cache)[0].columns == ("order_id",)
    # ... and changed SQL is a different key: inferred again.
    changed = {**code, "model.shop.mkt_order_values": sql.replace("amount", "status")}
    again = derive_registrations(project, changed, lineage_cache=cache)
    assert again[0].columns == ("order_id", "status")
    assert len(cache) == 2
    assert lineage_key(project, "model.shop.orders", ("a",), sql) != lineage_key(
        project, "model.shop.orders", ("b",), sql
    )
