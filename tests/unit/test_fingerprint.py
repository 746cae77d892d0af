"""The canonical string behind contract fingerprints (Jinja parity: test_fingerprint_parity)."""

from __future__ import annotations

from typing import Any

import pytest

from tessera_dbt.core.fingerprint import (
    canonical,
    contract_fingerprint,
    contract_fingerprints,
    is_fingerprinted,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-3, "-3"),
        (2.5, "2.5"),
        ("a", '"a"'),
        ('it\'s "q" \\', '"it\'s \\"q\\" \\\\"'),
        ("ünï ✓", '"ünï ✓"'),
        ({"b": 1, "a": [1, "x"], "Z": None}, '{"Z":null,"a":[1,"x"],"b":1}'),
        ([], "[]"),
        ({}, "{}"),
    ],
)
def test_canonical(value: Any, text: str) -> None:
    assert canonical(value) == text


def _model(**config: Any) -> dict[str, Any]:
    return {
        "resource_type": "model",
        "config": {"materialized": "table", **config},
        "columns": {
            "id": {"name": "id", "data_type": "integer", "constraints": [{"type": "not_null"}]},
            "x": {"name": "x", "data_type": "text", "constraints": []},
        },
        "constraints": [],
    }


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (_model(contract={"enforced": True}), True),
        (_model(meta={"tessera": {"owner": "t"}}), True),
        ({**_model(), "meta": {"tessera": {}}}, True),
        (_model(contract={"enforced": False}, meta={"owner": "t"}), False),
        ({**_model(contract={"enforced": True}), "resource_type": "seed"}, False),
    ],
)
def test_which_models_are_fingerprinted(node: dict[str, Any], expected: bool) -> None:
    assert is_fingerprinted(node) is expected


def test_every_contract_relevant_part_changes_the_fingerprint() -> None:
    base = _model(contract={"enforced": True})
    fp = contract_fingerprint(base)
    changed = [
        {**base, "config": {**base["config"], "materialized": "view"}},
        {
            **base,
            "config": {**base["config"], "contract": {"enforced": False}, "meta": {"tessera": {}}},
        },
        {**base, "config": {**base["config"], "meta": {"tessera": {"compatibility": "full"}}}},
        {**base, "columns": {"id": base["columns"]["id"]}},
        {**base, "columns": {**base["columns"], "x": {"name": "x", "data_type": "varchar"}}},
        {**base, "constraints": [{"type": "primary_key", "columns": ["id"]}]},
    ]
    for node in changed:
        assert contract_fingerprint(node) != fp, node
    test = {"test_metadata": {"name": "unique", "kwargs": {"column_name": "id"}}}
    assert contract_fingerprint(base, [{**test, "column_name": "id"}]) != fp
    # Descriptions and column order are not contract-relevant.
    reordered = {**base, "columns": dict(reversed(list(base["columns"].items())))}
    described = {**base, "description": "new words"}
    assert contract_fingerprint(reordered) == contract_fingerprint(described) == fp


def test_manifest_fingerprints_attach_tests_to_their_model() -> None:
    model = _model(contract={"enforced": True})
    test = {
        "resource_type": "test",
        "attached_node": "model.p.m",
        "column_name": "id",
        "test_metadata": {"name": "unique", "kwargs": {}},
    }
    alone = contract_fingerprints({"nodes": {"model.p.m": model}})
    tested = contract_fingerprints({"nodes": {"model.p.m": model, "test.p.t": test}})
    assert set(alone) == set(tested) == {"model.p.m"}
    assert alone["model.p.m"] != tested["model.p.m"]
