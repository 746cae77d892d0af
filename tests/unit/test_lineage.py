"""Column inference from SQL (tessera_dbt.core.lineage): what a query reads of one relation."""

from __future__ import annotations

import pytest

from tessera_dbt.core.lineage import (
    RefCall,
    columns_read,
    render_refs,
    split_relation,
    sqlglot_dialect,
)


@pytest.mark.parametrize(
    ("sql", "relation", "expected"),
    [
        ("select order_id, amount from orders where amount > 0", "orders", {"order_id", "amount"}),
        ("select O.Order_Id from ORDERS as o", "orders", {"order_id"}),
        (
            "select o.order_id, c.name from orders o join customers c on c.id = o.customer_id",
            "orders",
            {"order_id", "customer_id"},
        ),
        ("select c.*, o.amount from orders o join customers c on true", "orders", {"amount"}),
        (
            "select status, sum(amount) as total from orders group by status order by total",
            "orders",
            {"status", "amount"},
        ),
        (
            "with x as (select order_id, status from orders) select order_id from x",
            "orders",
            {"order_id", "status"},
        ),
        (
            "select id from customers where id in (select customer_id from orders)",
            "orders",
            {"customer_id"},
        ),
        (
            'select * from (select order_id from "wh"."main"."orders") t',
            '"wh"."main"."orders"',
            {"order_id"},
        ),
        ("select order_id from main.orders", '"wh"."main"."orders"', {"order_id"}),
        ("select a from orders union all select b from orders", "orders", {"a", "b"}),
        ("select count(*) from orders", "orders", set()),
        # qualify and window partitions read columns too
        (
            "select order_id from orders qualify row_number() over "
            "(partition by status order by amount) = 1",
            "orders",
            {"order_id", "status", "amount"},
        ),
        (
            "select order_id, rank() over (partition by status) as r from orders",
            "orders",
            {"order_id", "status"},
        ),
        (
            "select row_to_json(c.*), o.amount from orders o join customers c on true",
            "orders",
            {"amount"},
        ),
    ],
)
def test_columns_read(sql: str, relation: str, expected: set[str]) -> None:
    assert columns_read(sql, relation, "duckdb") == frozenset(expected)


@pytest.mark.parametrize(
    ("sql", "relation"),
    [
        ("select * from orders", "orders"),
        ("select o.* from orders o join customers c on true", "orders"),
        # an unqualified column with two relations: which one it belongs to needs the schema
        ("select order_id, name from orders o join customers c on c.id = o.customer_id", "orders"),
        ("select a from orders natural join customers", "orders"),
        ("select o.a from orders o join customers c using (id)", "orders"),
        ("select order_id from other.orders", '"wh"."main"."orders"'),  # another schema
        ("select x from y", "orders"),  # the relation is not read at all
        ("select blah(", "orders"),  # does not parse
        ("select 1; select 2 from orders", "orders"),  # several statements
        # every column, read without a projection *
        ("select row_to_json(t.*) as j from orders t", "orders"),
        ("select struct_pack(t.*) as j from orders t", "orders"),
        ("select columns('am.*') from orders", "orders"),
        ("select to_json(*) from orders", "orders"),
        ("select id from other union all select * from orders", "orders"),
        (
            "with u as (select * from orders union all select * from archive) select id from u",
            "orders",
        ),
    ],
)
def test_all_columns_when_not_reliable(sql: str, relation: str) -> None:
    assert columns_read(sql, relation, "duckdb") is None


def test_render_refs_replaces_refs_sources_config_and_comments() -> None:
    raw = (
        "{{ config(materialized='view', tags=['a']) }}\n{# note #}\n"
        "select o.order_id from {{ ref('shop', 'orders') }} o\n"
        'join {{ ref("dim", v=2) }} d on true\n'
        "join {{ source('raw', 't') }} s on true"
    )
    rendered = render_refs(raw)
    assert rendered is not None
    assert list(rendered.refs.values()) == [
        RefCall("ref", "shop", "orders"),
        RefCall("ref", None, "dim", "2"),
        RefCall("source", "raw", "t"),
    ]
    assert "{" not in rendered.sql
    placeholder = next(iter(rendered.refs))
    assert columns_read(rendered.sql, placeholder) == frozenset({"order_id"})


@pytest.mark.parametrize(
    "raw",
    [
        'select {{ var("x") }} from {{ ref("a") }}',
        "{% if is_incremental() %}select 1{% endif %}",
        "select * from {{ ref(model_name) }}",
        "select * from {{ ref('a', 'b', 'c') }}",
    ],
)
def test_render_refs_gives_up_on_other_jinja(raw: str) -> None:
    assert render_refs(raw) is None


def test_relations_and_dialects() -> None:
    assert split_relation('"WH"."main"."Orders"') == ("wh", "main", "orders")
    assert split_relation("orders") == ("orders",)
    assert sqlglot_dialect("postgres") == "postgres"
    assert sqlglot_dialect("unknown-adapter") is None
    assert sqlglot_dialect(None) is None
