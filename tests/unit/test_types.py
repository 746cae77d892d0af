"""Type normalization across adapters and comparison of type fragments."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tessera_dbt.core.types import (
    column_schema,
    compare_types,
    describe_type,
    normalize_type_name,
    scalar_delta,
)

INT32 = {"type": "integer", "format": "int32"}
INT64 = {"type": "integer", "format": "int64"}
INT16 = {"type": "integer", "format": "int16"}
INT8 = {"type": "integer", "format": "int8"}
DOUBLE = {"type": "number", "format": "double"}
FLOAT = {"type": "number", "format": "float"}
TS = {"type": "string", "format": "date-time", "x-timezone": False}
TSTZ = {"type": "string", "format": "date-time", "x-timezone": True}
JSONK = {"x-tessera-type": "json"}
BINARY = {"type": "string", "contentEncoding": "base64"}


def dec(p: int | None = None, s: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "number", "format": "decimal"}
    if p is not None:
        out["x-precision"] = p
        out["x-scale"] = s or 0
    return out


def strip(fragment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fragment.items() if k != "x-dbt-data-type"}


CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    # integers, any adapter
    ("int", None, INT32),
    ("INTEGER", "postgres", INT32),
    ("int4", "postgres", INT32),
    ("int32", None, INT32),
    ("serial", "postgres", INT32),
    ("smallint", "duckdb", INT16),
    ("int2", "postgres", INT16),
    ("short", "spark", INT16),
    ("tinyint", "databricks", INT8),
    ("byte", "spark", INT8),
    ("bigint", "duckdb", INT64),
    ("int8", "postgres", INT64),
    ("INT64", "bigquery", INT64),
    ("long", "spark", INT64),
    ("bigserial", "postgres", INT64),
    ("hugeint", "duckdb", {"type": "integer", "format": "int128"}),
    ("ubigint", "duckdb", {"type": "integer", "format": "uint64"}),
    # BigQuery: every integer alias is INT64; Snowflake: NUMBER(38,0)
    ("int", "bigquery", INT64),
    ("smallint", "bigquery", INT64),
    ("integer", "snowflake", dec(38, 0)),
    ("byteint", "snowflake", dec(38, 0)),
    # decimals
    ("numeric(12,2)", None, dec(12, 2)),
    ("NUMERIC( 12 , 2 )", "postgres", dec(12, 2)),
    ("decimal(10)", "duckdb", dec(10, 0)),
    ("number(38,0)", "snowflake", dec(38, 0)),
    ("number", "snowflake", dec(38, 0)),
    ("numeric", "postgres", dec()),
    ("NUMERIC", "bigquery", dec(38, 9)),
    ("BIGNUMERIC", "bigquery", dec(76, 38)),
    ("decimal", "duckdb", dec(18, 3)),
    ("decimal", "databricks", dec(10, 0)),
    ("decimal", "redshift", dec(18, 0)),
    # floats
    ("real", "postgres", FLOAT),
    ("float4", "postgres", FLOAT),
    ("float", "duckdb", FLOAT),
    ("float", "spark", FLOAT),
    ("float", "postgres", DOUBLE),
    ("float", "redshift", DOUBLE),
    ("float(24)", "postgres", FLOAT),
    ("float(53)", "postgres", DOUBLE),
    ("FLOAT", "snowflake", DOUBLE),
    ("real", "snowflake", DOUBLE),
    ("double", "duckdb", DOUBLE),
    ("double precision", "postgres", DOUBLE),
    ("DOUBLE   PRECISION", "redshift", DOUBLE),
    ("float8", "postgres", DOUBLE),
    ("FLOAT64", "bigquery", DOUBLE),
    # strings
    ("varchar(20)", None, {"type": "string", "maxLength": 20}),
    ("character varying(20)", "postgres", {"type": "string", "maxLength": 20}),
    ("CHARACTER VARYING ( 20 )", "postgres", {"type": "string", "maxLength": 20}),
    ("char(3)", "postgres", {"type": "string", "maxLength": 3}),
    ("char", "postgres", {"type": "string", "maxLength": 1}),
    ("nvarchar(50)", "redshift", {"type": "string", "maxLength": 50}),
    ("text", "postgres", {"type": "string"}),
    ("string", "databricks", {"type": "string"}),
    ("STRING", "bigquery", {"type": "string"}),
    ("STRING(10)", "bigquery", {"type": "string", "maxLength": 10}),
    ("varchar", "duckdb", {"type": "string"}),
    ("varchar(16777216)", "snowflake", {"type": "string"}),
    ("varchar(max)", "redshift", {"type": "string"}),
    # booleans
    ("boolean", None, {"type": "boolean"}),
    ("BOOL", "bigquery", {"type": "boolean"}),
    # dates and times
    ("date", None, {"type": "string", "format": "date"}),
    ("timestamp", "postgres", TS),
    ("timestamp without time zone", "postgres", TS),
    ("timestamp(6)", "postgres", TS),
    ("datetime", "bigquery", TS),
    ("timestamp_ntz", "snowflake", TS),
    ("timestamp", "snowflake", TS),
    ("timestamptz", "postgres", TSTZ),
    ("timestamp with time zone", "postgres", TSTZ),
    ("TIMESTAMP(3) WITH TIME ZONE", "postgres", TSTZ),
    ("timestamp_tz", "snowflake", TSTZ),
    ("timestamp_ltz", "snowflake", TSTZ),
    ("TIMESTAMP", "bigquery", TSTZ),
    ("timestamp", "databricks", TSTZ),
    ("time", None, {"type": "string", "format": "time", "x-timezone": False}),
    ("timetz", "postgres", {"type": "string", "format": "time", "x-timezone": True}),
    ("time with time zone", "postgres", {"type": "string", "format": "time", "x-timezone": True}),
    ("interval", "postgres", {"type": "string", "format": "duration"}),
    ("interval day to second", "postgres", {"type": "string", "format": "duration"}),
    ("uuid", "postgres", {"type": "string", "format": "uuid"}),
    # semi-structured and binary
    ("json", None, JSONK),
    ("jsonb", "postgres", JSONK),
    ("variant", "snowflake", JSONK),
    ("object", "snowflake", JSONK),
    ("super", "redshift", JSONK),
    ("bytea", "postgres", BINARY),
    ("blob", "duckdb", BINARY),
    ("binary", "databricks", BINARY),
    ("BYTES", "bigquery", BINARY),
    # arrays and structs
    ("int[]", "postgres", {"type": "array", "items": INT32}),
    ("integer[]", "duckdb", {"type": "array", "items": INT32}),
    ("INTEGER[3]", "duckdb", {"type": "array", "items": INT32}),
    ("int[][]", "postgres", {"type": "array", "items": {"type": "array", "items": INT32}}),
    ("array<int>", "databricks", {"type": "array", "items": INT32}),
    ("ARRAY<STRING>", "bigquery", {"type": "array", "items": {"type": "string"}}),
    ("ARRAY<INT64>", "bigquery", {"type": "array", "items": INT64}),
    ("array", "snowflake", {"type": "array"}),
    ("list", "duckdb", {"type": "array"}),
    (
        "struct<a int, b string>",
        "databricks",
        {"type": "object", "properties": {"a": INT32, "b": {"type": "string"}}},
    ),
    ("STRUCT(a INT)", "duckdb", {"type": "object", "properties": {"a": INT32}}),
    (
        "struct<a:int,b:array<string>>",
        "spark",
        {
            "type": "object",
            "properties": {"a": INT32, "b": {"type": "array", "items": {"type": "string"}}},
        },
    ),
    (
        'STRUCT("my col" VARCHAR(3))',
        "duckdb",
        {"type": "object", "properties": {"my col": {"type": "string", "maxLength": 3}}},
    ),
    ("map(varchar, int)", "duckdb", {"type": "object", "additionalProperties": INT32}),
    ("map<string,bigint>", "spark", {"type": "object", "additionalProperties": INT64}),
    ("ENUM('a', 'b')", "duckdb", {"type": "string", "enum": ["a", "b"]}),
    # unknown types: comparable by name
    ("geometry", "postgres", {"x-tessera-type": "geometry"}),
    ("GEOGRAPHY", "bigquery", {"x-tessera-type": "geography"}),
    ("geometry(Point, 4326)", "postgres", {"x-tessera-type": "geometry(point,4326)"}),
]


@pytest.mark.parametrize(("data_type", "adapter", "expected"), CASES)
def test_column_schema(data_type: str, adapter: str | None, expected: dict[str, Any]) -> None:
    fragment = column_schema(data_type, adapter)
    assert fragment["x-dbt-data-type"] == data_type
    assert strip(fragment) == expected


@pytest.mark.parametrize("data_type", [None, "", "   "])
def test_missing_data_type_gives_empty_fragment(data_type: str | None) -> None:
    assert column_schema(data_type) == {}


def test_result_is_a_fresh_copy() -> None:
    first = column_schema("int[]")
    first["items"]["format"] = "mutated"
    assert column_schema("int[]")["items"]["format"] == "int32"


def test_normalize_type_name() -> None:
    assert normalize_type_name("  Character   Varying ( 20 ) ") == "character varying(20)"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.sampled_from([None, "duckdb", "postgres", "snowflake", "bigquery"]))
def test_unknown_or_garbage_types_never_crash(text: str, adapter: str | None) -> None:
    fragment = column_schema(text, adapter)
    if text.strip():
        assert fragment["x-dbt-data-type"] == text
    assert isinstance(describe_type(fragment), str)
    assert compare_types(fragment, fragment).relation == "same"
    compare_types(fragment, column_schema("int"))


RELATIONS = [
    ("int", "bigint", "widened", "type_widened"),
    ("bigint", "int", "narrowed", "type_narrowed"),
    ("smallint", "int", "widened", "type_widened"),
    ("int", "integer", "same", None),
    ("int4", "int", "same", None),
    ("varchar(4)", "varchar(20)", "widened", "length_widened"),
    ("varchar(20)", "varchar(4)", "narrowed", "length_narrowed"),
    ("varchar(20)", "text", "widened", "length_widened"),
    ("text", "varchar(20)", "narrowed", "length_narrowed"),
    ("varchar", "text", "same", None),
    ("numeric(10,2)", "numeric(12,2)", "widened", "precision_widened"),
    ("numeric(12,2)", "numeric(10,2)", "narrowed", "precision_narrowed"),
    ("numeric(10,2)", "numeric(12,4)", "widened", "scale_widened"),
    ("numeric(12,4)", "numeric(10,2)", "narrowed", "scale_narrowed"),
    ("numeric(12,2)", "numeric(12,4)", "incompatible", "type_changed"),
    ("numeric(12,2)", "numeric", "widened", "type_widened"),
    ("int", "numeric(38,0)", "widened", "type_widened"),
    ("int", "numeric(10,0)", "widened", "type_widened"),
    ("int", "numeric(9,0)", "narrowed", "type_narrowed"),
    ("bigint", "numeric(38,0)", "widened", "type_widened"),
    ("numeric(38,0)", "bigint", "narrowed", "type_narrowed"),
    ("numeric(10,2)", "bigint", "incompatible", "type_changed"),
    ("int", "double", "widened", "type_widened"),
    ("bigint", "double", "incompatible", "type_changed"),
    ("real", "double", "widened", "type_widened"),
    ("double", "real", "narrowed", "type_narrowed"),
    ("numeric(10,2)", "double", "incompatible", "type_changed"),
    ("varchar", "int", "incompatible", "type_changed"),
    ("int", "varchar", "incompatible", "type_changed"),
    ("date", "timestamp", "incompatible", "type_changed"),
    ("timestamp", "timestamptz", "incompatible", "type_changed"),
    ("json", "jsonb", "same", None),
    ("geometry", "geometry", "same", None),
    ("geometry", "geography", "incompatible", "type_changed"),
    ("int[]", "bigint[]", "widened", "type_widened"),
    ("int[]", "int", "incompatible", "type_changed"),
    ("struct<a int>", "struct<a int, b int>", "widened", "field_added"),
    ("struct<a int, b int>", "struct<a int>", "narrowed", "field_removed"),
    ("struct<a bigint>", "struct<a varchar>", "incompatible", "type_changed"),
]


@pytest.mark.parametrize(("old", "new", "relation", "kind"), RELATIONS)
def test_compare_types(old: str, new: str, relation: str, kind: str | None) -> None:
    result = compare_types(column_schema(old), column_schema(new))
    assert result.relation == relation
    if kind is None:
        assert result.deltas == ()
    else:
        assert kind in {d.kind for d in result.deltas}


@pytest.mark.parametrize(("old", "new", "relation", "kind"), RELATIONS)
def test_compare_types_is_antisymmetric(
    old: str, new: str, relation: str, kind: str | None
) -> None:
    inverse = {"widened": "narrowed", "narrowed": "widened"}.get(relation, relation)
    assert compare_types(column_schema(new), column_schema(old)).relation == inverse


def test_compare_across_adapters() -> None:
    # Snowflake's INT is NUMBER(38,0): spelling it bigint changes nothing.
    assert (
        compare_types(
            column_schema("int", "snowflake"), column_schema("bigint", "snowflake")
        ).relation
        == "same"
    )
    assert (
        compare_types(column_schema("int", "bigquery"), column_schema("INT64", "bigquery")).relation
        == "same"
    )


def test_scalar_delta_detail_names_the_types() -> None:
    delta = scalar_delta(column_schema("numeric(12,2)"), column_schema("numeric(10,2)"))
    assert delta is not None
    assert delta.detail == "narrowed from numeric(12,2) to numeric(10,2)"


def test_plain_json_schema_fragments() -> None:
    assert compare_types({"type": "integer"}, {"type": "number"}).relation == "widened"
    assert compare_types({"type": "number"}, {"type": "integer"}).relation == "narrowed"
    assert compare_types({"type": ["string", "null"]}, {"type": "string"}).relation == "same"
    assert compare_types({"type": "string"}, {"type": ["string", "integer"]}).relation == "widened"
    assert compare_types({}, {"type": "string"}).relation == "narrowed"
