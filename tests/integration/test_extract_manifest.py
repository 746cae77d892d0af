"""Extraction from a real ``dbt parse`` of tests/fixtures/shop, and the live-manifest projection."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tessera_dbt.core.extract import Project, extract_project
from tessera_dbt.plugin.dbt_compat import has_tessera_package, manifest_projection
from tests.harness import DbtProject, make_project, write_profiles

pytestmark = pytest.mark.duckdb

ASSETS = {
    "model.shop.dim_customers",
    "model.shop.orders",
    "model.shop.fct_revenue.v1",
    "model.shop.fct_revenue.v2",
}


def _parsed(project: DbtProject) -> Project:
    project.dbt("parse")
    manifest = json.loads((project.dir / "target" / "manifest.json").read_text())
    return extract_project(manifest, default_owner="platform")


@pytest.fixture(scope="module")
def shop_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """One parsed copy of the fixture, shared by the read-only tests (dbt is slow)."""
    return make_project(tmp_path_factory.mktemp("shop"), "duckdb")


@pytest.fixture(scope="module")
def shop(shop_project: DbtProject) -> Project:
    return _parsed(shop_project)


def test_shop_assets_owners_and_versions(shop: Project) -> None:
    p = shop
    assert p.project_name == "shop"
    assert p.adapter_type == "duckdb"
    assert p.has_tessera_package
    assert p.invocation_id
    assert set(p.assets) == ASSETS

    customers = p.assets["model.shop.dim_customers"]
    assert (customers.owner, customers.owner_source) == ("core-data", "group")
    assert customers.columns == ["customer_id", "status", "email", "created_at"]
    assert customers.schema["required"] == ["customer_id"]
    assert customers.schema["properties"]["status"]["enum"] == ["active", "churned"]
    assert customers.schema["properties"]["status"]["maxLength"] == 20
    assert customers.schema["properties"]["created_at"]["format"] == "date-time"
    assert customers.schema["properties"]["customer_id"]["description"]
    assert customers.relation_name and "dim_customers" in customers.relation_name

    orders = p.assets["model.shop.orders"]
    assert (orders.owner, orders.owner_source, orders.compatibility) == (
        "core-data",
        "meta",
        "backward",
    )
    assert orders.schema["properties"]["amount"]["x-precision"] == 12
    assert orders.schema["required"] == ["order_id", "customer_id"]

    v1, v2 = p.assets["model.shop.fct_revenue.v1"], p.assets["model.shop.fct_revenue.v2"]
    assert (v1.version, v1.latest_version, v2.version) == ("1", "2", "2")
    assert v1.deprecation_date is not None and v1.deprecation_date.startswith("2030-01-01")
    assert v1.compatibility == v2.compatibility == "full"
    assert v2.columns == ["status", "revenue", "order_count"]
    assert v2.schema["required"] == ["status", "order_count"]
    assert [a.asset_id for a in p.find_assets("fct_revenue")] == [v2.asset_id, v1.asset_id]


def test_shop_guarantees_on_duckdb(shop: Project) -> None:
    p = shop
    g = p.assets["model.shop.orders"].guarantees
    assert g["not_null:order_id"]["constraint"] and g["not_null:order_id"]["enforced"]
    assert g["primary_key:(order_id)"]["enforced"]  # model-level, dbt-duckdb enforces it
    assert g["check:amount:orders_amount_non_negative"]["args"] == {"expression": "amount >= 0"}
    assert g["unique:order_id"] == {
        "kind": "unique",
        "column": "order_id",
        "constraint": False,
        "tested": True,
        "enforced": False,
    }
    assert g["not_null:customer_id"]["tested"] and not g["not_null:customer_id"]["constraint"]
    assert g["relationships:customer_id"]["args"] == {
        "to": "ref('dim_customers')",
        "field": "customer_id",
    }
    assert g["accepted_values:status"]["args"]["values"] == [
        "placed",
        "shipped",
        "completed",
        "returned",
    ]
    assert g["test:non_negative:amount"]["name"] == "non_negative"
    assert g["freshness"]["args"] == {"warn_after": {"count": 6, "period": "hour"}}
    assert g["volume"]["args"] == {"min_rows": 1}
    # The relationships test lives on orders, not on the model it points at.
    assert "relationships:customer_id" not in p.assets["model.shop.dim_customers"].guarantees


def test_shop_consumers_lineage_and_groups(shop: Project) -> None:
    p = shop
    dash = p.exposures["exposure.shop.revenue_dashboard"]
    assert (dash.team, dash.depends_on) == ("finance", ("model.shop.orders",))
    assert p.children["model.shop.orders"] == (
        "exposure.shop.revenue_dashboard",
        "model.shop.fct_revenue.v1",
        "model.shop.fct_revenue.v2",
        "model.shop.mkt_order_values",
    )
    mkt = p.models["model.shop.mkt_order_values"]
    assert (mkt.owner, mkt.group, mkt.is_asset) == ("marketing", "marketing", False)
    assert p.models["model.shop.stg_orders"].owner == "core-data"
    assert p.models["model.shop.customer_stats"].owner_source == "default"
    assert {g.name: g.team for g in p.groups.values()} == {
        "core-data": "core-data",
        "marketing": "marketing",
    }
    assert p.disabled == {}


def test_disabled_model_is_not_deleted(new_project: Callable[..., DbtProject]) -> None:
    project = new_project("duckdb")
    # customer_stats is the only model nothing refs, so it can be disabled alone.
    sql = project.dir / "models" / "marts" / "customer_stats.sql"
    sql.write_text("{{ config(enabled=false) }}\n" + sql.read_text())
    p = _parsed(project)
    assert "model.shop.customer_stats" in p.disabled
    assert "model.shop.customer_stats" not in p.models


def _invoke_parse(project: DbtProject, *extra: str) -> Any:
    from dbt.cli.main import dbtRunner

    args = ["parse", "--project-dir", str(project.dir), "--profiles-dir"]
    res = dbtRunner().invoke([*args, str(project.profiles_dir), *extra])
    assert res.success, res.exception
    return res.result


def test_projection_of_live_manifest_equals_manifest_json(
    shop_project: DbtProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = shop_project
    # This test is about the projection alone: keep the gate's plugin out of the process.
    monkeypatch.setitem(sys.modules, "dbt_tessera", types.SimpleNamespace(plugins=[]))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    for extra in (["--no-partial-parse"], []):  # a full parse, then a partial one
        live = _invoke_parse(project, *extra)
        written = json.loads((project.dir / "target" / "manifest.json").read_text())
        from_json = extract_project(written)
        projected = manifest_projection(live)
        from_live = extract_project(projected)
        assert from_live == from_json
        assert set(from_live.assets) == ASSETS
        assert has_tessera_package(live)
        # Projected values are plain JSON (what the registry stores).
        json.dumps(projected)


def test_generated_project_parses_like_the_generated_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """benchmarks/generate.py: the project folder and the in-memory manifest agree."""
    from benchmarks.generate import Spec, generate_manifest, write_project

    spec = Spec(models=60, contracted=12, columns=8, exposures=3)
    project_dir = write_project(tmp_path / "project", spec)
    write_profiles(tmp_path / "profiles", project_dir, "duckdb")
    project = DbtProject(project_dir, "duckdb", tmp_path / "profiles")
    project.dbt("deps")
    parsed = _parsed(project)
    generated = extract_project(generate_manifest(spec), default_owner="platform")
    assert len(parsed.assets) == 12
    assert parsed.assets == generated.assets
    # The installed tessera package brings its own views (over its sources): not generated.
    assert _without_package(parsed.models) == generated.models
    assert _without_package(parsed.children) == generated.children
    assert parsed.exposures.keys() == generated.exposures.keys()


def _without_package(mapping: Mapping[str, Any], package: str = "tessera") -> dict[str, Any]:
    prefixes = (f"model.{package}.", f"source.{package}.")
    return {k: v for k, v in mapping.items() if not k.startswith(prefixes)}


@pytest.mark.postgres
def test_contracts_are_the_same_on_duckdb_and_postgres(
    shop: Project, new_project: Callable[..., DbtProject]
) -> None:
    """asset ids and fingerprints do not depend on the target's adapter."""
    pg = _parsed(new_project("postgres"))
    assert pg.adapter_type == "postgres"
    assert set(pg.assets) == set(shop.assets)
    for asset_id, asset in shop.assets.items():
        assert pg.assets[asset_id].fingerprint == asset.fingerprint, asset_id
    # PostgreSQL enforces the same five constraint types as DuckDB.
    assert pg.assets["model.shop.orders"].guarantees["primary_key:(order_id)"]["enforced"]
