"""Extraction from hand-written manifest dicts (the manifest.json v12 shape)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tessera_dbt.core.extract import ContractError, enforced_constraints, extract_project


# -- manifest builders ------------------------------------------------------------------
def model(
    name: str,
    *,
    package: str = "shop",
    columns: list[dict[str, Any]] | None = None,
    enforced: bool = True,
    materialized: str = "table",
    meta: dict[str, Any] | None = None,
    top_meta: dict[str, Any] | None = None,
    group: str | None = None,
    constraints: list[dict[str, Any]] | None = None,
    version: int | None = None,
    latest_version: int | None = None,
    depends_on: list[str] | None = None,
    description: str = "",
    deprecation_date: str | None = None,
    compiled_code: str | None = None,
) -> dict[str, Any]:
    uid = f"model.{package}.{name}" + (f".v{version}" if version is not None else "")
    cols = {}
    for col in columns or []:
        cols[col["name"]] = {
            "name": col["name"],
            "description": col.get("description", ""),
            "meta": {},
            "data_type": col.get("data_type"),
            "constraints": [
                {"type": c} if isinstance(c, str) else c for c in col.get("constraints", [])
            ],
            "quote": None,
            "tags": [],
        }
    return {
        "unique_id": uid,
        "resource_type": "model",
        "name": name,
        "package_name": package,
        "version": version,
        "latest_version": latest_version,
        "config": {
            "enabled": True,
            "materialized": materialized,
            "contract": {"enforced": enforced, "alias_types": True},
            "meta": meta or {},
            "group": group,
            "access": "protected",
        },
        "meta": top_meta if top_meta is not None else (meta or {}),
        "columns": cols,
        "constraints": constraints or [],
        "relation_name": f'"db"."main"."{name}"',
        "deprecation_date": deprecation_date,
        "access": "protected",
        "group": group,
        "original_file_path": f"models/{name}.sql",
        "patch_path": f"{package}://models/_models.yml",
        "description": description,
        "depends_on": {"macros": [], "nodes": depends_on or []},
        "compiled_code": compiled_code,
    }


def data_test(
    test_name: str,
    model_uid: str,
    column: str | None = None,
    *,
    namespace: str | None = None,
    severity: str = "ERROR",
    where: str | None = None,
    depends_on: list[str] | None = None,
    attached: bool = True,
    singular: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    name = f"{test_name}_{model_uid.split('.')[2]}_{column or 'model'}"
    node: dict[str, Any] = {
        "unique_id": f"test.shop.{name}.{abs(hash((name, str(kwargs)))) % 10**10}",
        "resource_type": "test",
        "name": name,
        "package_name": "shop",
        "column_name": column,
        "attached_node": model_uid if attached else None,
        "depends_on": {"macros": [], "nodes": depends_on or [model_uid]},
        "config": {"enabled": True, "severity": severity, "where": where},
    }
    if not singular:
        node["test_metadata"] = {
            "name": test_name,
            "namespace": namespace,
            "kwargs": {
                "model": "{{ get_where_subquery(ref('x')) }}",
                **({"column_name": column} if column else {}),
                **kwargs,
            },
        }
    return node


def manifest(
    *nodes: dict[str, Any],
    adapter: str = "duckdb",
    exposures: list[dict[str, Any]] | None = None,
    groups: dict[str, str] | None = None,
    disabled: list[dict[str, Any]] | None = None,
    tessera_package: bool = True,
) -> dict[str, Any]:
    macros = {"macro.dbt.run_query": {"name": "run_query", "package_name": "dbt"}}
    if tessera_package:
        macros["macro.tessera.init"] = {"name": "init", "package_name": "tessera"}
    return {
        "metadata": {
            "project_name": "shop",
            "adapter_type": adapter,
            "dbt_version": "1.11.16",
            "invocation_id": "inv-1",
        },
        "nodes": {n["unique_id"]: n for n in nodes},
        "macros": macros,
        "exposures": {e["unique_id"]: e for e in exposures or []},
        "groups": {
            f"group.shop.{g}": {
                "unique_id": f"group.shop.{g}",
                "name": g,
                "package_name": "shop",
                "owner": {"name": owner, "email": None},
            }
            for g, owner in (groups or {}).items()
        },
        "disabled": {d["unique_id"]: [d] for d in disabled or []},
    }


def exposure(name: str, deps: list[str], owner: str | None, meta: Any = None) -> dict[str, Any]:
    return {
        "unique_id": f"exposure.shop.{name}",
        "name": name,
        "package_name": "shop",
        "type": "dashboard",
        "owner": {"name": owner, "email": f"{owner}@example.com" if owner else None},
        "meta": {} if meta is None else {"tessera": meta},
        "config": {"enabled": True, "meta": {} if meta is None else {"tessera": meta}},
        "depends_on": {"macros": [], "nodes": deps},
    }


CUSTOMERS = model(
    "dim_customers",
    columns=[
        {"name": "customer_id", "data_type": "integer", "constraints": ["not_null", "primary_key"]},
        {"name": "status", "data_type": "varchar(20)", "description": "Lifecycle state."},
        {"name": "email", "data_type": "varchar(200)"},
        {"name": "created_at", "data_type": "timestamp"},
    ],
    group="core",
    description="One row per customer.",
)
CUSTOMER_TESTS = [
    data_test("unique", CUSTOMERS["unique_id"], "customer_id"),
    data_test("accepted_values", CUSTOMERS["unique_id"], "status", values=["active", "churned"]),
]


def shop(**kw: Any) -> dict[str, Any]:
    return manifest(CUSTOMERS, *CUSTOMER_TESTS, groups={"core": "core-data"}, **kw)


# -- assets and the schema --------------------------------------------------------------
def test_schema_columns_in_order_with_types_required_and_enum() -> None:
    asset = extract_project(shop()).assets["model.shop.dim_customers"]
    schema = asset.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert list(schema["properties"]) == ["customer_id", "status", "email", "created_at"]
    assert schema["x-tessera-column-order"] == ["customer_id", "status", "email", "created_at"]
    assert schema["required"] == ["customer_id"]
    assert schema["x-dbt-materialization"] == "table"
    assert schema["x-dbt-contract-enforced"] is True
    assert schema["description"] == "One row per customer."
    cid = schema["properties"]["customer_id"]
    assert cid["type"] == "integer" and cid["x-dbt-data-type"] == "integer"
    status = schema["properties"]["status"]
    assert status["maxLength"] == 20
    assert status["enum"] == ["active", "churned"]
    assert status["description"] == "Lifecycle state."
    assert schema["properties"]["created_at"]["format"] == "date-time"
    assert asset.columns == ["customer_id", "status", "email", "created_at"]
    assert asset.contract.asset_id == asset.asset_id


def test_which_models_are_assets() -> None:
    enforced = model("a", columns=[{"name": "x", "data_type": "int"}])
    meta_only = model("b", enforced=False, meta={"tessera": {"asset": True}})
    top_meta_only = model(
        "c", enforced=False, meta={}, top_meta={"tessera": {"owner": "t", "asset": True}}
    )
    plain = model("d", enforced=False)
    # A folder-level +meta owner reaches every model of the folder: it makes no asset.
    folder_owner = model("e", enforced=False, meta={"tessera": {"owner": "t"}})
    project = extract_project(manifest(enforced, meta_only, top_meta_only, plain, folder_owner))
    assert set(project.assets) == {"model.shop.a", "model.shop.b", "model.shop.c"}
    assert set(project.models) == {f"model.shop.{n}" for n in "abcde"}
    assert project.models["model.shop.d"].is_asset is False
    assert project.models["model.shop.e"].is_asset is False
    assert project.assets["model.shop.b"].contract_enforced is False
    assert project.assets["model.shop.c"].owner == "t"


def test_model_without_data_types_gets_untyped_columns() -> None:
    m = model("loose", enforced=False, meta={"tessera": {"asset": True}}, columns=[{"name": "x"}])
    schema = extract_project(manifest(m)).assets["model.shop.loose"].schema
    assert schema["properties"] == {"x": {}}


def test_asset_facts() -> None:
    asset = extract_project(shop()).assets["model.shop.dim_customers"]
    assert asset.name == "dim_customers"
    assert asset.package_name == "shop"
    assert asset.relation_name == '"db"."main"."dim_customers"'
    assert asset.materialization == "table"
    assert asset.access == "protected"
    assert asset.group == "core"
    assert asset.original_file_path == "models/dim_customers.sql"
    assert asset.patch_path == "shop://models/_models.yml"
    assert asset.version is None and asset.is_latest_version
    assert asset.guarantee_mode == "notify"
    assert asset.compatibility == "backward"
    assert asset.fingerprint == asset.contract.fingerprint


def test_extraction_does_not_alias_the_manifest() -> None:
    m = shop()
    before = copy.deepcopy(m)
    asset = extract_project(m).assets["model.shop.dim_customers"]
    asset.schema["properties"]["status"]["enum"].append("x")
    asset.guarantees["accepted_values:status"]["args"]["values"].append("x")
    assert m == before


def test_fingerprint_is_deterministic_and_ignores_test_order() -> None:
    a = extract_project(shop()).assets["model.shop.dim_customers"]
    reordered = manifest(CUSTOMERS, *reversed(CUSTOMER_TESTS), groups={"core": "core-data"})
    b = extract_project(reordered).assets["model.shop.dim_customers"]
    assert a.fingerprint == b.fingerprint


# -- owners and modes -------------------------------------------------------------------
def test_owner_from_meta_then_group_then_default() -> None:
    m = manifest(
        model("a", meta={"tessera": {"owner": "payments"}}, group="core"),
        model("b", group="core"),
        model("c"),
        model("d", group="nameless"),
        groups={"core": "core-data"},
    )
    p = extract_project(m, default_owner="platform")
    assert (p.assets["model.shop.a"].owner, p.assets["model.shop.a"].owner_source) == (
        "payments",
        "meta",
    )
    # The group's name, not its owner's name (that is the team's contact).
    assert (p.assets["model.shop.b"].owner, p.assets["model.shop.b"].owner_source) == (
        "core",
        "group",
    )
    assert (p.assets["model.shop.c"].owner, p.assets["model.shop.c"].owner_source) == (
        "platform",
        "default",
    )
    # A group missing from the manifest's groups falls through to the default.
    assert p.assets["model.shop.d"].owner == "platform"
    p2 = extract_project(m)
    assert (p2.assets["model.shop.c"].owner, p2.assets["model.shop.c"].owner_source) == (
        None,
        "none",
    )
    # tessera_team names the project's owner team, before tessera_default_owner.
    p3 = extract_project(m, default_owner="platform", team="checkout")
    assert (p3.assets["model.shop.c"].owner, p3.assets["model.shop.c"].owner_source) == (
        "checkout",
        "team",
    )
    assert p3.assets["model.shop.b"].owner == "core"


def test_group_owner_email_is_the_contact_and_the_group_name_the_team() -> None:
    m = manifest(model("a", group="g"))
    m["groups"]["group.shop.g"] = {
        "unique_id": "group.shop.g",
        "name": "g",
        "owner": {"name": None, "email": "g@example.com"},
    }
    p = extract_project(m)
    assert p.assets["model.shop.a"].owner == "g"
    assert p.groups["g"].contact == "g@example.com"


def test_config_meta_wins_over_node_meta() -> None:
    m = model("a", meta={"tessera": {"owner": "new"}}, top_meta={"tessera": {"owner": "old"}})
    assert extract_project(manifest(m)).assets["model.shop.a"].owner == "new"


def test_compatibility_and_guarantee_mode() -> None:
    m = manifest(
        model("a", meta={"tessera": {"compatibility": "full", "guarantee_mode": "strict"}}),
        model("b"),
    )
    p = extract_project(m, default_compatibility="forward_transitive")
    assert p.assets["model.shop.a"].compatibility == "full"
    assert p.assets["model.shop.a"].guarantee_mode == "strict"
    assert p.assets["model.shop.b"].compatibility == "forward_transitive"
    assert p.assets["model.shop.b"].guarantee_mode == "notify"


def test_invalid_default_compatibility() -> None:
    with pytest.raises(ContractError, match="tessera_default_compatibility 'sideways'"):
        extract_project(shop(), default_compatibility="sideways")


@pytest.mark.parametrize(
    ("tessera", "fragments"),
    [
        ({"compatibility": "backwards"}, ["meta.tessera.compatibility", "'backwards'", "full"]),
        ({"guarantee_mode": "loud"}, ["meta.tessera.guarantee_mode", "notify, strict, ignore"]),
        ({"owner": 42}, ["meta.tessera.owner", "string", "42"]),
        ({"owner": ""}, ["meta.tessera.owner"]),
        ({"guarantees": ["freshness"]}, ["meta.tessera.guarantees", "mapping", "list"]),
        ({"guarantees": {"freshnes": {}}}, ["guarantees.freshnes", "freshness, volume"]),
        ({"guarantees": {"volume": 10}}, ["guarantees.volume", "mapping"]),
        (
            {"guarantees": {"volume": {"min_rows": "lots"}}},
            ["guarantees.volume.min_rows", "whole number", "'lots'"],
        ),
        ({"guarantees": {"volume": {"min_row": 1}}}, ["guarantees.volume.min_row", "min_rows"]),
        (
            {"guarantees": {"volume": {"min_rows": 5, "max_rows": 1}}},
            ["min_rows 5 is more than max_rows 1"],
        ),
        (
            {"guarantees": {"freshness": {"warn_after": {"count": 6, "period": "week"}}}},
            ["guarantees.freshness.warn_after", "minute|hour|day", "week"],
        ),
        ({"migration_days": 0}, ["meta.tessera.migration_days", ">= 1"]),
        ({"asset": "yes"}, ["meta.tessera.asset", "true or false"]),
        ({"onwer": "x"}, ["meta.tessera.onwer", "owner, compatibility, guarantee_mode"]),
        ("core-data", ["meta.tessera", "mapping"]),
    ],
)
def test_invalid_meta_tessera_is_one_line_naming_model_and_key(
    tessera: Any, fragments: list[str]
) -> None:
    m = manifest(model("orders", meta={"tessera": tessera}))
    with pytest.raises(ContractError) as info:
        extract_project(m)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("orders (models/_models.yml): ")
    for fragment in fragments:
        assert fragment in message


def test_invalid_meta_on_versioned_model_names_the_version() -> None:
    m = manifest(model("rev", version=2, latest_version=2, meta={"tessera": {"owner": 1}}))
    with pytest.raises(ContractError, match=r"^rev\.v2 "):
        extract_project(m)


def test_meta_tessera_none_is_an_empty_configuration() -> None:
    m = manifest(model("a", meta={"tessera": None}))
    assert extract_project(m).assets["model.shop.a"].compatibility == "backward"


# -- guarantees -------------------------------------------------------------------------
def test_constraint_and_test_of_the_same_kind_merge() -> None:
    m = model("a", columns=[{"name": "id", "data_type": "int", "constraints": ["not_null"]}])
    p = extract_project(manifest(m, data_test("not_null", m["unique_id"], "id")))
    g = p.assets["model.shop.a"].guarantees
    assert g == {
        "not_null:id": {
            "kind": "not_null",
            "column": "id",
            "constraint": True,
            "tested": True,
            "enforced": True,
        }
    }


def test_shop_guarantees() -> None:
    g = extract_project(shop()).assets["model.shop.dim_customers"].guarantees
    assert set(g) == {
        "not_null:customer_id",
        "primary_key:(customer_id)",
        "unique:customer_id",
        "accepted_values:status",
    }
    assert g["primary_key:(customer_id)"] == {
        "kind": "primary_key",
        "column": None,
        "columns": ["customer_id"],
        "constraint": True,
        "tested": False,
        "enforced": True,
    }
    assert g["unique:customer_id"]["tested"] and not g["unique:customer_id"]["constraint"]
    assert g["unique:customer_id"]["enforced"] is False
    assert g["accepted_values:status"]["args"] == {"values": ["active", "churned"]}


def test_not_null_test_makes_column_required() -> None:
    m = model("a", columns=[{"name": "id", "data_type": "int"}, {"name": "b"}])
    p = extract_project(manifest(m, data_test("not_null", m["unique_id"], "id")))
    assert p.assets["model.shop.a"].schema["required"] == ["id"]


def test_not_null_test_with_where_does_not_make_required() -> None:
    m = model("a", columns=[{"name": "id", "data_type": "int"}])
    t = data_test("not_null", m["unique_id"], "id", where="id > 0")
    asset = extract_project(manifest(m, t)).assets["model.shop.a"]
    assert asset.schema["required"] == []
    assert asset.guarantees["not_null:id"]["args"] == {"where": "id > 0"}


def test_model_level_constraints_keyed_by_columns() -> None:
    m = model(
        "a",
        columns=[{"name": "x", "data_type": "int"}, {"name": "y", "data_type": "int"}],
        constraints=[
            {"type": "primary_key", "columns": ["x", "y"]},
            {"type": "unique", "columns": ["x", "y"], "name": "uq_xy"},
            {"type": "unique", "columns": ["y"]},
            {"type": "not_null", "columns": ["x", "y"]},
            {"type": "check", "columns": ["x"], "expression": "x  >   0"},
            {"type": "check", "columns": ["x", "y"], "name": "x_lt_y", "expression": "x < y"},
            {"type": "check", "expression": "1 = 1"},
        ],
    )
    g = extract_project(manifest(m)).assets["model.shop.a"].guarantees
    assert g["primary_key:(x,y)"]["columns"] == ["x", "y"]
    assert g["unique:(x,y)"] == {
        "kind": "unique",
        "column": None,
        "columns": ["x", "y"],
        "constraint": True,
        "tested": False,
        "enforced": True,
        "name": "uq_xy",
    }
    assert g["unique:y"]["column"] == "y"
    assert g["not_null:x"]["constraint"] and g["not_null:y"]["constraint"]
    assert g["check:x:x > 0"]["args"] == {"expression": "x  >   0"}
    assert g["check:(x,y):x_lt_y"]["columns"] == ["x", "y"]
    assert g["check:1 = 1"]["column"] is None
    schema = extract_project(manifest(m)).assets["model.shop.a"].schema
    assert schema["required"] == ["x", "y"]


def test_column_and_model_level_primary_key_are_the_same_guarantee() -> None:
    col = model("a", columns=[{"name": "id", "data_type": "int", "constraints": ["primary_key"]}])
    mdl = model(
        "a",
        columns=[{"name": "id", "data_type": "int"}],
        constraints=[{"type": "primary_key", "columns": ["id"]}],
    )
    a = extract_project(manifest(col)).assets["model.shop.a"]
    b = extract_project(manifest(mdl)).assets["model.shop.a"]
    assert a.guarantees == b.guarantees
    assert a.fingerprint == b.fingerprint


def test_foreign_key_constraint_args() -> None:
    fk = {"type": "foreign_key", "to": "ref('dim_customers')", "to_columns": ["customer_id"]}
    legacy = {"type": "foreign_key", "expression": "dim_customers (customer_id)"}
    m = model(
        "orders",
        columns=[
            {"name": "customer_id", "data_type": "int", "constraints": [fk]},
            {"name": "other_id", "data_type": "int", "constraints": [legacy]},
        ],
    )
    g = extract_project(manifest(m)).assets["model.shop.orders"].guarantees
    assert g["foreign_key:customer_id"]["args"] == {
        "to": "ref('dim_customers')",
        "to_columns": ["customer_id"],
    }
    assert g["foreign_key:customer_id"]["enforced"] is True
    assert g["foreign_key:other_id"]["args"] == {"expression": "dim_customers (customer_id)"}


def test_custom_constraint_is_kept_and_not_enforced() -> None:
    c = {"type": "custom", "expression": "masking policy pii"}
    m = model("a", columns=[{"name": "email", "data_type": "text", "constraints": [c]}])
    g = extract_project(manifest(m)).assets["model.shop.a"].guarantees
    entry = g["custom:email:masking policy pii"]
    assert entry["constraint"] and not entry["enforced"]


@pytest.mark.parametrize(
    ("adapter", "materialized", "enforced", "expected"),
    [
        ("duckdb", "table", True, {"not_null", "unique", "primary_key", "foreign_key", "check"}),
        (
            "postgres",
            "incremental",
            True,
            {"not_null", "unique", "primary_key", "foreign_key", "check"},
        ),
        ("snowflake", "table", True, {"not_null"}),
        ("somewarehouse", "table", True, {"not_null", "foreign_key"}),
        ("duckdb", "view", True, set()),
        ("duckdb", "ephemeral", True, set()),
        ("duckdb", "table", False, set()),
    ],
)
def test_enforced_depends_on_adapter_materialization_and_contract(
    adapter: str, materialized: str, enforced: bool, expected: set[str]
) -> None:
    m = model(
        "a",
        enforced=enforced,
        materialized=materialized,
        meta={"tessera": {"asset": True}},
        columns=[
            {
                "name": "id",
                "data_type": "int",
                "constraints": [
                    "not_null",
                    "unique",
                    "primary_key",
                    {"type": "foreign_key", "to": "ref('b')", "to_columns": ["id"]},
                    {"type": "check", "expression": "id > 0"},
                ],
            }
        ],
    )
    g = extract_project(manifest(m, adapter=adapter)).assets["model.shop.a"].guarantees
    assert {v["kind"] for v in g.values() if v["enforced"]} == expected
    assert all(v["constraint"] for v in g.values())


def test_enforced_constraints_table() -> None:
    assert enforced_constraints(None) == frozenset({"not_null", "foreign_key"})
    assert "check" in enforced_constraints("DuckDB")


def test_relationships_and_other_tests_kept_by_name_and_arguments() -> None:
    orders = model(
        "orders",
        columns=[
            {"name": "customer_id", "data_type": "int"},
            {"name": "amount", "data_type": "numeric(12,2)"},
        ],
    )
    uid = orders["unique_id"]
    tests = [
        data_test(
            "relationships",
            uid,
            "customer_id",
            depends_on=["model.shop.dim_customers", uid],
            to="ref('dim_customers')",
            field="customer_id",
        ),
        data_test("accepted_range", uid, "amount", namespace="dbt_utils", min_value=0),
        data_test("non_negative", uid, "amount", severity="warn"),
        data_test(
            "unique_combination_of_columns",
            uid,
            None,
            namespace="dbt_utils",
            combination_of_columns=["customer_id", "amount"],
        ),
        data_test("assert_orders_balance", uid, None, singular=True, attached=False),
    ]
    g = extract_project(manifest(orders, *tests)).assets[uid].guarantees
    assert g["relationships:customer_id"]["args"] == {
        "to": "ref('dim_customers')",
        "field": "customer_id",
    }
    assert g["test:dbt_utils.accepted_range:amount"] == {
        "kind": "test",
        "name": "dbt_utils.accepted_range",
        "column": "amount",
        "constraint": False,
        "tested": True,
        "enforced": False,
        "args": {"min_value": 0},
    }
    assert g["test:non_negative:amount"]["severity"] == "warn"
    assert g["test:dbt_utils.unique_combination_of_columns"]["args"] == {
        "combination_of_columns": ["customer_id", "amount"]
    }
    assert g["test:assert_orders_balance_orders_model"]["kind"] == "test"


def test_relationships_test_is_not_attached_to_its_target() -> None:
    customers = model("dim_customers", columns=[{"name": "customer_id", "data_type": "int"}])
    orders = model("orders", columns=[{"name": "customer_id", "data_type": "int"}])
    t = data_test(
        "relationships",
        orders["unique_id"],
        "customer_id",
        depends_on=[customers["unique_id"], orders["unique_id"]],
        to="ref('dim_customers')",
        field="customer_id",
    )
    p = extract_project(manifest(customers, orders, t))
    assert p.assets["model.shop.dim_customers"].guarantees == {}
    assert "relationships:customer_id" in p.assets["model.shop.orders"].guarantees


def test_two_tests_of_one_kind_on_one_column_both_kept() -> None:
    m = model("a", columns=[{"name": "s", "data_type": "text"}])
    t1 = data_test("accepted_values", m["unique_id"], "s", values=["a", "b"])
    t2 = data_test("accepted_values", m["unique_id"], "s", values=["a", "b", "c"], where="x")
    g = extract_project(manifest(m, t1, t2)).assets["model.shop.a"].guarantees
    kinds = [k for k in g if k.startswith("accepted_values:s")]
    assert len(kinds) == 2
    assert g["accepted_values:s"]["args"] == {"values": ["a", "b"]}
    # The enum in the schema comes from the first (unfiltered) test.
    schema = extract_project(manifest(m, t1, t2)).assets["model.shop.a"].schema
    assert schema["properties"]["s"]["enum"] == ["a", "b"]


def test_disabled_test_is_ignored() -> None:
    m = model("a", columns=[{"name": "id", "data_type": "int"}])
    t = data_test("unique", m["unique_id"], "id")
    t["config"]["enabled"] = False
    assert extract_project(manifest(m, t)).assets["model.shop.a"].guarantees == {}


def test_freshness_and_volume_from_meta() -> None:
    guarantees = {
        "freshness": {"warn_after": {"count": 6, "period": "hour"}},
        "volume": {"min_rows": 10},
    }
    m = model("a", meta={"tessera": {"guarantees": guarantees}})
    g = extract_project(manifest(m)).assets["model.shop.a"].guarantees
    assert g["freshness"] == {
        "kind": "freshness",
        "column": None,
        "constraint": False,
        "tested": False,
        "enforced": False,
        "args": {"warn_after": {"count": 6, "period": "hour"}},
    }
    assert g["volume"]["args"] == {"min_rows": 10}


# -- versions ---------------------------------------------------------------------------
def test_versions_are_separate_assets() -> None:
    cols = [{"name": "status", "data_type": "varchar(20)"}]
    v1 = model(
        "fct_revenue",
        version=1,
        latest_version=2,
        columns=cols,
        deprecation_date="2030-01-01T00:00:00+00:00",
    )
    v2 = model(
        "fct_revenue",
        version=2,
        latest_version=2,
        columns=[*cols, {"name": "n", "data_type": "bigint"}],
    )
    p = extract_project(manifest(v1, v2))
    a1, a2 = p.assets["model.shop.fct_revenue.v1"], p.assets["model.shop.fct_revenue.v2"]
    assert (a1.version, a1.latest_version, a1.is_latest_version) == ("1", "2", False)
    assert (a2.version, a2.is_latest_version) == ("2", True)
    assert a1.deprecation_date == "2030-01-01T00:00:00+00:00"
    assert a2.columns == ["status", "n"]
    assert a1.display_name == "fct_revenue.v1"
    assert [a.asset_id for a in p.find_assets("fct_revenue")] == [a2.asset_id, a1.asset_id]
    assert [a.asset_id for a in p.find_assets("fct_revenue.v1")] == [a1.asset_id]
    assert [a.asset_id for a in p.find_assets("shop.fct_revenue.v1")] == [a1.asset_id]
    assert p.find_assets("model.shop.fct_revenue.v2") == [a2]
    assert p.find_assets("nope") == []


# -- exposures, lineage, groups, disabled -----------------------------------------------
def test_exposures_team_from_meta_else_owner() -> None:
    orders = model("orders")
    exps = [
        exposure("revenue", [orders["unique_id"]], "finance"),
        exposure("churn", [orders["unique_id"]], "Jane Doe", meta={"team": "marketing"}),
        exposure("anon", [orders["unique_id"]], None),
    ]
    p = extract_project(manifest(orders, exposures=exps))
    assert p.exposures["exposure.shop.revenue"].team == "finance"
    assert p.exposures["exposure.shop.revenue"].team_source == "owner"
    assert p.exposures["exposure.shop.churn"].team == "marketing"
    assert p.exposures["exposure.shop.churn"].team_source == "meta"
    assert p.exposures["exposure.shop.churn"].owner_name == "Jane Doe"
    assert p.exposures["exposure.shop.anon"].team is None
    assert p.exposures["exposure.shop.revenue"].depends_on == ("model.shop.orders",)
    assert p.owner_of("exposure.shop.churn") == "marketing"


@pytest.mark.parametrize("meta", [{"team": 3}, {"owner": "x"}, "finance"])
def test_invalid_exposure_meta(meta: Any) -> None:
    exp = exposure("bad", [], "finance", meta=meta)
    with pytest.raises(ContractError, match=r"^exposure bad: meta\.tessera"):
        extract_project(manifest(exposures=[exp]))


def test_models_children_and_descendants() -> None:
    stg = model("stg_orders", enforced=False, group="core")
    orders = model("orders", group="core", depends_on=[stg["unique_id"]])
    mkt = model(
        "mkt",
        enforced=False,
        group="marketing",
        depends_on=[orders["unique_id"]],
        compiled_code="select order_id from orders",
    )
    report = model("report", enforced=False, depends_on=[mkt["unique_id"]])
    t = data_test("unique", orders["unique_id"], "order_id")
    exp = exposure("dash", [orders["unique_id"]], "finance")
    p = extract_project(
        manifest(
            stg,
            orders,
            mkt,
            report,
            t,
            exposures=[exp],
            groups={"core": "core-data", "marketing": "marketing"},
        ),
        default_owner="platform",
    )
    assert p.children["model.shop.orders"] == (
        "exposure.shop.dash",
        "model.shop.mkt",
    )  # tests are not children
    assert p.children["model.shop.stg_orders"] == ("model.shop.orders",)
    assert p.descendants("model.shop.stg_orders") == [
        "model.shop.orders",
        "exposure.shop.dash",
        "model.shop.mkt",
        "model.shop.report",
    ]
    info = p.models["model.shop.mkt"]
    assert (info.owner, info.owner_source, info.group) == ("marketing", "group", "marketing")
    assert info.depends_on == ("model.shop.orders",)
    assert info.compiled_code == "select order_id from orders"
    assert p.models["model.shop.report"].owner == "platform"
    assert p.owner_of("model.shop.orders") == "core"
    assert p.owner_of("source.x.y") is None


def test_groups_and_project_metadata() -> None:
    p = extract_project(shop())
    assert p.project_name == "shop"
    assert p.adapter_type == "duckdb"
    assert p.dbt_version == "1.11.16"
    assert p.invocation_id == "inv-1"
    assert p.has_tessera_package is True
    g = p.groups["core"]
    assert (g.unique_id, g.owner_name, g.team) == ("group.shop.core", "core-data", "core")
    assert g.contact == "core-data"
    assert extract_project(shop(tessera_package=False)).has_tessera_package is False


def test_disabled_models() -> None:
    gone = model("old_orders", deprecation_date="2020-01-01")
    gone["config"]["enabled"] = False
    seed = {"unique_id": "seed.shop.s", "resource_type": "seed", "name": "s"}
    p = extract_project(manifest(disabled=[gone, seed]))
    d = p.disabled["model.shop.old_orders"]
    assert d.contract_enforced is True
    assert d.has_tessera_meta is False
    assert d.deprecation_date == "2020-01-01"
    assert "seed.shop.s" not in p.disabled
    assert p.assets == {}


def test_empty_manifest() -> None:
    p = extract_project({})
    assert p.assets == {} and p.models == {} and p.has_tessera_package is False
    assert p.adapter_type is None


@pytest.mark.parametrize(
    ("adapter_type", "module", "cls"),
    [
        ("duckdb", "dbt.adapters.duckdb", "DuckDBAdapter"),
        ("postgres", "dbt.adapters.postgres", "PostgresAdapter"),
        ("spark", "dbt.adapters.spark", "SparkAdapter"),
    ],
)
def test_fallback_table_matches_the_installed_adapters(
    adapter_type: str, module: str, cls: str
) -> None:
    # Manifest-only evaluation uses the table; inside dbt the plugin reads the adapter's own
    # CONSTRAINT_SUPPORT: both must agree, or a contract's guarantees depend on the path.
    adapter = getattr(pytest.importorskip(module), cls)
    declared = frozenset(
        str(kind.value)
        for kind, level in adapter.CONSTRAINT_SUPPORT.items()
        if level.value == "enforced"
    )
    assert enforced_constraints(adapter_type) == declared


def test_declared_constraint_support_overrides_the_table() -> None:
    assert enforced_constraints("duckdb", frozenset()) == frozenset()
    assert enforced_constraints("spark", frozenset({"not_null", "bogus"})) == {"not_null"}
