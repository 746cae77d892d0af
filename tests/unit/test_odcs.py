"""ODCS v3.1 output (tessera_dbt.core.odcs), validated against the official JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tessera_dbt.core.odcs import odcs_documents, stable_id

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[1] / "fixtures" / "odcs" / "odcs-json-schema-v3.1.0.json"
    ).read_text()
)
T = "2026-01-01T00:00:00.000000Z"
HOSTILE = "O'Brien <b> 🎉 \\ \u2028"

ORDERS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "description": "One row per order.",
    "type": "object",
    "properties": {
        "amount": {
            "format": "decimal",
            "type": "number",
            "x-dbt-data-type": "numeric(12,2)",
            "x-precision": 12,
            "x-scale": 2,
        },
        "customer_id": {"format": "int32", "type": "integer", "x-dbt-data-type": "integer"},
        "order_id": {
            "format": "int64",
            "type": "integer",
            "x-dbt-data-type": "bigint",
            "description": "The key.",
        },
        "status": {
            "enum": ["placed", "shipped"],
            "maxLength": 20,
            "type": "string",
            "x-dbt-data-type": "varchar(20)",
        },
        "ordered_at": {"format": "date-time", "type": "string", "x-dbt-data-type": "timestamp"},
        "day": {"format": "date", "type": ["string", "null"], "x-dbt-data-type": "date"},
        "flag": {"type": "boolean", "x-dbt-data-type": "boolean"},
        "odd name!": {"type": "string", "x-dbt-data-type": "text"},
    },
    "required": ["order_id", "customer_id"],
    "x-dbt-materialization": "table",
    "x-tessera-column-order": [
        "order_id",
        "customer_id",
        "amount",
        "status",
        "ordered_at",
        "day",
        "flag",
        "odd name!",
    ],
}
GUARANTEES = {
    "accepted_values:status": {
        "args": {"values": ["placed", "shipped"]},
        "column": "status",
        "kind": "accepted_values",
        "tested": True,
    },
    "check:amount:non_negative": {
        "args": {"expression": "amount >= 0"},
        "column": "amount",
        "constraint": True,
        "enforced": True,
        "kind": "check",
        "name": "non_negative",
    },
    "freshness": {
        "args": {"warn_after": {"count": 6, "period": "hour"}},
        "column": None,
        "kind": "freshness",
    },
    "not_null:order_id": {
        "column": "order_id",
        "constraint": True,
        "enforced": True,
        "kind": "not_null",
    },
    "primary_key:(order_id)": {
        "column": None,
        "columns": ["order_id"],
        "kind": "primary_key",
        "enforced": True,
    },
    "relationships:customer_id": {
        "args": {"field": "customer_id", "to": "ref('dim_customers')"},
        "column": "customer_id",
        "kind": "relationships",
    },
    "test:non_negative:amount": {"column": "amount", "kind": "test", "name": "non_negative"},
    "unique:order_id": {"column": "order_id", "kind": "unique", "tested": True},
    "volume": {"args": {"min_rows": 1000}, "column": None, "kind": "volume"},
}


def registry() -> dict[str, list[dict[str, Any]]]:
    def contract(version: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "asset_id": "model.shop.orders",
            "version": version,
            "schema_json": json.dumps(schema),
            "guarantees_json": json.dumps(GUARANTEES),
            "fingerprint": "abc",
            "published_at": T,
        }

    return {
        "tessera_assets": [
            {
                "asset_id": "model.shop.orders",
                "project_name": "shop",
                "model_name": "orders",
                "model_version": None,
                "owner_team": HOSTILE,
                "compatibility": "backward",
                "guarantee_mode": "notify",
                "relation_name": '"w"."main"."orders"',
                "materialization": "table",
                "deprecation_date": None,
                "deleted_at": None,
            },
            {
                "asset_id": "model.shop.rev.v2",
                "project_name": "shop",
                "model_name": "rev",
                "model_version": "2",
                "owner_team": "core",
                "compatibility": "full",
                "relation_name": None,
                "materialization": "view",
                "deprecation_date": "2030-01-01",
                "deleted_at": None,
            },
            {
                "asset_id": "model.shop.unpublished",
                "model_name": "unpublished",
                "owner_team": "core",
                "deleted_at": None,
            },
        ],
        "tessera_contracts": [
            contract("1.10.0", ORDERS_SCHEMA),
            contract("1.9.0", {"type": "object", "properties": {}}),
            {
                "asset_id": "model.shop.rev.v2",
                "version": "1.0.0",
                "schema_json": json.dumps(
                    {"type": "object", "properties": {"x": {"type": "integer"}}}
                ),
                "guarantees_json": "{}",
                "published_at": T,
            },
        ],
        "tessera_teams": [{"name": HOSTILE, "description": HOSTILE}],
        "tessera_team_members": [
            {"team": HOSTILE, "principal": "alice@example.com", "role": "admin", "deleted_at": None}
        ],
        "tessera_registrations": [
            {
                "asset_id": "model.shop.orders",
                "team": "marketing",
                "source": "manual",
                "columns_json": '["status"]',
                "pinned_major": 1,
                "deleted_at": None,
            }
        ],
        "tessera_proposals": [
            {
                "proposal_id": "orders-7f3a2c",
                "asset_id": "model.shop.orders",
                "status": "pending",
                "base_version": "1.10.0",
                "next_version": "2.0.0",
                "changes_json": json.dumps([{"message": "column status was removed"}]),
                "created_at": T,
            }
        ],
        "tessera_proposal_teams": [{"proposal_id": "orders-7f3a2c", "team": "marketing"}],
        "tessera_acknowledgements": [],
    }


def validate(document: dict[str, Any]) -> None:
    jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        document
    )


def test_every_document_validates_against_the_official_schema() -> None:
    documents = odcs_documents(registry())
    assert [d["id"] for d in documents] == ["model.shop.orders", "model.shop.rev.v2"]
    for document in documents:
        validate(document)


def test_the_schema_rejects_what_it_should() -> None:
    """The vendored schema is the real thing: a wrong document fails."""
    document = odcs_documents(registry())[0]
    document["schema"][0]["properties"][0]["logicalType"] = "varchar"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_orders_contract_in_odcs_terms() -> None:
    orders = odcs_documents(registry(), model="orders")[0]
    assert orders["version"] == "1.10.0"  # latest by semver, not by text
    assert orders["apiVersion"] == "v3.1.0" and orders["kind"] == "DataContract"
    assert orders["status"] == "active"
    assert orders["team"] == {
        "name": HOSTILE,
        "description": HOSTILE,
        "members": [{"username": "alice@example.com", "role": "admin"}],
    }
    table = orders["schema"][0]
    assert table["physicalName"] == '"w"."main"."orders"' and table["physicalType"] == "table"
    columns = {p["name"]: p for p in table["properties"]}
    assert list(columns)[:3] == ["order_id", "customer_id", "amount"]  # contract column order
    order_id = columns["order_id"]
    assert order_id["logicalType"] == "integer" and order_id["physicalType"] == "bigint"
    assert order_id["logicalTypeOptions"] == {"format": "i64"}
    assert order_id["required"] and order_id["unique"] and order_id["primaryKey"]
    assert columns["status"]["logicalTypeOptions"] == {"maxLength": 20}
    assert columns["ordered_at"]["logicalType"] == "timestamp"
    assert columns["day"]["logicalType"] == "date" and not columns["day"]["required"]
    assert columns["flag"]["logicalType"] == "boolean"
    assert columns["odd name!"]["id"] == stable_id("odd name!_7")
    status_rules = columns["status"]["quality"]
    assert status_rules[0]["metric"] == "invalidValues"
    assert status_rules[0]["arguments"] == {"validValues": ["placed", "shipped"]}
    table_rules = {r["name"]: r for r in table["quality"]}
    assert table_rules["volume"]["metric"] == "rowCount"
    assert table_rules["volume"]["mustBeGreaterOrEqualTo"] == 1000
    assert table_rules["freshness"]["type"] == "custom"
    custom = {c["property"]: c["value"] for c in orders["customProperties"]}
    assert custom["tesseraConsumers"] == [
        {"team": "marketing", "source": "manual", "columns": ["status"], "pinnedMajor": 1}
    ]
    proposal = custom["tesseraOpenProposals"][0]
    assert proposal["proposalId"] == "orders-7f3a2c" and proposal["waitingFor"] == ["marketing"]
    assert proposal["changes"] == ["column status was removed"]


def test_versioned_and_deprecated_models() -> None:
    (rev,) = odcs_documents(registry(), model="rev.v2")
    assert rev["name"] == "rev_v2" and rev["status"] == "deprecated"
    assert odcs_documents(registry(), model="model.shop.rev.v2") == [rev]
    assert odcs_documents(registry(), model="nope") == []
