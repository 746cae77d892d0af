"""Property-based invariants of the diff, the policy and the fingerprint (hypothesis)."""

from __future__ import annotations

import copy
import random
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tessera_dbt.core.contract import Change, fingerprint
from tessera_dbt.core.diff import INVERSE_KINDS, diff_contracts, diff_documents
from tessera_dbt.core.diff.engine import Differ
from tessera_dbt.core.policy import evaluate
from tessera_dbt.core.types import column_schema

DATA_TYPES = [
    "int",
    "integer",
    "bigint",
    "smallint",
    "numeric(12,2)",
    "numeric(10,2)",
    "numeric(12,4)",
    "numeric(38,0)",
    "real",
    "double precision",
    "varchar(4)",
    "varchar(20)",
    "text",
    "boolean",
    "date",
    "timestamp",
    "timestamptz",
    "uuid",
    "jsonb",
    "geometry",
    "int[]",
    "bigint[]",
    "struct<a int, b varchar(5)>",
    "struct<a bigint>",
    None,
]
NAMES = ["id", "status", "amount", "email", "created_at", "tags", "payload"]

# Only one pattern and one default value exist, so a pattern or default can be added or
# removed but never changed: pattern_changed and default_changed have no inverse kind.
column = st.builds(
    lambda data_type, enum, minimum, maximum, pattern, default, description: {
        k: v
        for k, v in {
            **column_schema(data_type),
            "enum": enum,
            "minimum": minimum,
            "maximum": maximum,
            "pattern": pattern,
            "default": default,
            "description": description,
        }.items()
        if v is not None
    },
    st.sampled_from(DATA_TYPES),
    st.none() | st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True),
    st.none() | st.integers(-2, 2),
    st.none() | st.integers(8, 10),
    st.none() | st.just("^[a-z]+$"),
    st.none() | st.just("x"),
    st.none() | st.sampled_from(["one", "two"]),
)


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES)))
    props = {name: draw(column) for name in names}
    nullable = draw(st.sets(st.sampled_from(NAMES)))
    for name in nullable & set(props):
        # spell nullability the OpenAPI way on some columns; it must mean "not required"
        props[name]["nullable"] = True
    required = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    return {"type": "object", "properties": props, "required": required}


@settings(max_examples=40, deadline=None)
@given(schemas())
def test_diff_of_a_schema_with_itself_is_empty(a: dict[str, Any]) -> None:
    assert diff_documents(a, copy.deepcopy(a)) == []
    assert diff_contracts({"schema": a, "guarantees": {}}, {"schema": a}) == []


@settings(max_examples=40, deadline=None)
@given(schemas(), schemas())
def test_breaking_backward_equals_breaking_forward_reversed(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    forward_changes = diff_documents(a, b)
    reverse_changes = diff_documents(b, a)
    assert (
        evaluate(forward_changes, "backward").breaking
        == evaluate(reverse_changes, "forward").breaking
    )
    assert evaluate(forward_changes, "full").breaking == evaluate(reverse_changes, "full").breaking


def _symmetric(change: Change) -> bool:
    return change.kind in INVERSE_KINDS and change.effect != "incompatible"


@settings(max_examples=40, deadline=None)
@given(schemas(), schemas())
def test_symmetric_kinds_invert(a: dict[str, Any], b: dict[str, Any]) -> None:
    # a removed *required* column is incompatible; its reverse is required_column_added
    there = Counter((c.kind, c.path) for c in diff_documents(a, b) if _symmetric(c))
    back = Counter((c.kind, c.path) for c in diff_documents(b, a) if _symmetric(c))
    inverted = Counter({(INVERSE_KINDS[k], p): n for (k, p), n in there.items()})
    assert inverted == back


INVERSE_EFFECT = {"narrowing": "widening", "widening": "narrowing"}


@settings(max_examples=40, deadline=None)
@given(schemas(), schemas())
def test_effects_invert(a: dict[str, Any], b: dict[str, Any]) -> None:
    there = Counter(INVERSE_EFFECT.get(c.effect, c.effect) for c in diff_documents(a, b))
    back = Counter(c.effect for c in diff_documents(b, a))
    assert there == back


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@settings(max_examples=40, deadline=None)
@given(schemas(), st.randoms(use_true_random=False))
def test_fingerprint_ignores_key_and_column_order(a: dict[str, Any], rng: random.Random) -> None:
    a = {**a, "x-tessera-column-order": list(a["properties"])}
    guarantees = {
        f"not_null:{name}": {"kind": "not_null", "column": name, "constraint": True}
        for name in a["required"]
    }
    b = _shuffled(a, rng)
    order = list(b["x-tessera-column-order"])
    rng.shuffle(order)
    b["x-tessera-column-order"] = order
    b["required"] = sorted(b["required"], key=lambda _: rng.random())
    assert fingerprint(a, guarantees) == fingerprint(b, _shuffled(guarantees, rng))


@settings(max_examples=40, deadline=None)
@given(schemas(), schemas())
def test_fingerprint_changes_when_the_diff_is_not_empty(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    if diff_documents(a, b):
        assert fingerprint(a) != fingerprint(b)


def _random_schema(rng: random.Random) -> dict[str, Any]:
    """A fast non-hypothesis generator for a broad sweep of pairs."""
    props: dict[str, Any] = {}
    for name in rng.sample(NAMES, rng.randint(0, len(NAMES))):
        prop = column_schema(rng.choice(DATA_TYPES))
        if rng.random() < 0.3:
            prop["enum"] = rng.sample("abcd", rng.randint(1, 4))
        if rng.random() < 0.2:
            prop["minimum"] = rng.randint(-2, 2)
        if rng.random() < 0.2:
            prop["pattern"] = "^[a-z]+$"
        if rng.random() < 0.2:
            prop["default"] = "x"
        if rng.random() < 0.2:
            prop["type"] = [prop.get("type", "string"), "null"]
        props[name] = prop
    required = [n for n in props if rng.random() < 0.5]
    return {"type": "object", "properties": props, "required": required}


def test_sweep_of_random_pairs() -> None:
    rng = random.Random(20240601)
    for _ in range(1500):
        a, b = _random_schema(rng), _random_schema(rng)
        there, back = diff_documents(a, b), diff_documents(b, a)
        assert evaluate(there, "backward").breaking == evaluate(back, "forward").breaking
        inverted = Counter((INVERSE_KINDS[c.kind], c.path) for c in there if _symmetric(c))
        assert inverted == Counter((c.kind, c.path) for c in back if _symmetric(c))
        assert diff_documents(a, copy.deepcopy(a)) == []


def _any_subschema(rng: random.Random, depth: int) -> Any:
    """A random subschema using references, booleans, combinators, tuples and maps."""
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        node: dict[str, Any] = {}
        kind = rng.choice(["string", "integer", "number", "boolean", None])
        if kind:
            node["type"] = kind
        if kind == "string" and rng.random() < 0.4:
            node["maxLength"] = rng.randint(1, 4)
        if rng.random() < 0.2:
            node["enum"] = rng.sample(["a", "b", 1, 2], rng.randint(1, 3))
        return node
    if roll < 0.38:
        return rng.choice([True, False])
    if roll < 0.48:
        return {"$ref": rng.choice(["#/$defs/a", "#/$defs/b", "#", "#/$defs/none", "x.json"])}
    if roll < 0.58:
        key = rng.choice(["anyOf", "oneOf", "allOf"])
        return {key: [_any_subschema(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if roll < 0.63:
        return {"not": _any_subschema(rng, depth + 1)}
    if roll < 0.73:
        items = [_any_subschema(rng, depth + 1) for _ in range(2)]
        return {"type": "array", "prefixItems": items, "items": _any_subschema(rng, depth + 1)}
    if roll < 0.8:
        return {"type": "object", "patternProperties": {"^x": _any_subschema(rng, depth + 1)}}
    if roll < 0.85:
        return {
            "type": "object",
            "dependentRequired": {"a": rng.sample(["b", "c", "d"], 2)},
            "dependentSchemas": {"b": _any_subschema(rng, depth + 1)},
        }
    names = rng.sample("pqr", rng.randint(1, 3))
    return {
        "type": "object",
        "properties": {n: _any_subschema(rng, depth + 1) for n in names},
        "required": rng.sample("pqr", rng.randint(0, 2)),
    }


def _any_schema(rng: random.Random) -> dict[str, Any]:
    return {
        "type": "object",
        "$defs": {"a": _any_subschema(rng, 1), "b": _any_subschema(rng, 1)},
        "properties": {n: _any_subschema(rng, 0) for n in rng.sample("abcdef", rng.randint(0, 5))},
        "required": rng.sample("abcdef", rng.randint(0, 3)),
    }


def test_sweep_of_arbitrary_json_schemas() -> None:
    # self-referencing definitions ("#"), booleans and combinators: finite, symmetric, stable
    rng = random.Random(16)
    for _ in range(600):
        a, b = _any_schema(rng), _any_schema(rng)
        differ = Differ(a, b, None, None)
        there = differ.run()
        assert differ.steps < 500
        back = diff_documents(b, a)
        assert evaluate(there, "backward").breaking == evaluate(back, "forward").breaking
        assert evaluate(there, "full").breaking == evaluate(back, "full").breaking
        # each change seen from the other side has the inverse effect
        inverted = Counter(INVERSE_EFFECT.get(c.effect, c.effect) for c in there)
        assert inverted == Counter(c.effect for c in back)
        assert diff_documents(a, copy.deepcopy(a)) == []
        assert diff_documents(a, b) == there
