"""Drift: a relation's live columns against its latest published contract (pure)."""

from __future__ import annotations

from tessera_dbt.core.drift import compare_relation, detect_drift

SCHEMA = {
    "type": "object",
    "properties": {
        "order_id": {"type": "integer", "format": "int32"},
        "amount": {"type": "number", "format": "decimal", "x-precision": 12},
        "status": {"type": "string", "maxLength": 20},
    },
}


def test_the_same_columns_are_no_drift_whatever_the_sizes_and_case() -> None:
    live = [("ORDER_ID", "INTEGER"), ("amount", "DECIMAL(10,2)"), ("status", "VARCHAR")]
    assert compare_relation(SCHEMA, live, "duckdb") == []
    pg = [("order_id", "integer"), ("amount", "numeric"), ("status", "character varying")]
    assert compare_relation(SCHEMA, pg, "postgres") == []


def test_missing_extra_and_retyped_columns_are_drift() -> None:
    live = [("order_id", "bigint"), ("status", "integer"), ("note", "text")]
    assert compare_relation(SCHEMA, live, "postgres") == [
        "column amount is missing",
        "column order_id is bigint (integer (int64)), the contract says integer (int32)",
        "column status is integer (integer (int32)), the contract says string",
        "column note is not in the contract",
    ]


def test_a_relation_that_does_not_exist_is_not_drift() -> None:
    published = {"a": ("1.0.0", SCHEMA), "b": ("2.0.0", SCHEMA)}
    relations = {"a": ("a", "db.main.a"), "b": ("b", "db.main.b")}
    found = detect_drift(published, relations, {"b": [("order_id", "integer")]}, "duckdb")
    assert [d.asset_id for d in found] == ["b"]
    assert found[0].line().startswith("Tessera: drift: b (db.main.b) differs from its published")
    assert found[0].to_dict()["differences"] == [
        "column amount is missing",
        "column status is missing",
    ]
