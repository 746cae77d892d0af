"""Diff + policy throughput: 10,000 pairs of 50-column contracts with one change each.

Also the time of the recursive ``$ref`` pairs (a definition referring to itself once and
twice), which must answer in well under 50 ms.
"""

from __future__ import annotations

import copy
import gc
import os
import random
import time
from collections.abc import Callable
from typing import Any

from tessera_dbt.core.diff import diff_documents, diff_schemas
from tessera_dbt.core.policy import evaluate
from tessera_dbt.core.types import column_schema

PAIRS = 10_000
COLUMNS = 50
GOAL_PAIRS_PER_S = 20_000
GOAL_RECURSIVE_MS = 50.0
REPEATS = 5
DATA_TYPES = [
    "integer",
    "bigint",
    "varchar(20)",
    "varchar(255)",
    "text",
    "numeric(12,2)",
    "double precision",
    "boolean",
    "date",
    "timestamp",
    "timestamptz",
    "uuid",
    "jsonb",
    "int[]",
]


def make_contract(rng: random.Random, n: int) -> dict[str, Any]:
    """A realistic contract document with ``n`` columns, a few tests and constraints."""
    props: dict[str, Any] = {}
    required: list[str] = []
    guarantees: dict[str, Any] = {}
    for i in range(n):
        name = f"col_{i:02d}"
        prop = column_schema(rng.choice(DATA_TYPES), "postgres")
        prop["description"] = f"Column number {i}."
        if i % 10 == 3 and prop.get("type") == "string":
            prop["enum"] = ["a", "b", "c"]
        props[name] = prop
        if i % 4 == 0:
            required.append(name)
            guarantees[f"not_null:{name}"] = {
                "kind": "not_null",
                "column": name,
                "constraint": True,
                "tested": False,
                "enforced": True,
            }
        if i % 7 == 0:
            guarantees[f"unique:{name}"] = {
                "kind": "unique",
                "column": name,
                "constraint": False,
                "tested": True,
                "enforced": False,
            }
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": props,
        "required": required,
        "x-tessera-column-order": list(props),
        "x-dbt-materialization": "table",
        "x-dbt-contract-enforced": True,
    }
    return {"schema": schema, "guarantees": guarantees}


def _add_column(doc: dict[str, Any], rng: random.Random) -> None:
    doc["schema"]["properties"]["new_col"] = column_schema("varchar(40)")
    doc["schema"]["x-tessera-column-order"].append("new_col")


def _remove_column(doc: dict[str, Any], rng: random.Random) -> None:
    name = rng.choice(
        [c for c in doc["schema"]["properties"] if c not in doc["schema"]["required"]]
    )
    del doc["schema"]["properties"][name]
    doc["schema"]["x-tessera-column-order"].remove(name)


def _retype(doc: dict[str, Any], rng: random.Random) -> None:
    name = rng.choice(list(doc["schema"]["properties"]))
    doc["schema"]["properties"][name] = column_schema(rng.choice(DATA_TYPES), "postgres")


def _require(doc: dict[str, Any], rng: random.Random) -> None:
    name = rng.choice(
        [c for c in doc["schema"]["properties"] if c not in doc["schema"]["required"]]
    )
    doc["schema"]["required"].append(name)


def _describe(doc: dict[str, Any], rng: random.Random) -> None:
    name = rng.choice(list(doc["schema"]["properties"]))
    doc["schema"]["properties"][name]["description"] = "Reworded."


def _drop_guarantee(doc: dict[str, Any], rng: random.Random) -> None:
    key = rng.choice(sorted(doc["guarantees"]))
    del doc["guarantees"][key]


MUTATIONS: list[Callable[[dict[str, Any], random.Random], None]] = [
    _add_column,
    _remove_column,
    _retype,
    _require,
    _describe,
    _drop_guarantee,
]


def make_pairs(n: int, seed: int = 7) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``n`` (old, new) pairs; each ``new`` differs from ``old`` by one mutation."""
    rng = random.Random(seed)
    bases = [make_contract(rng, COLUMNS) for _ in range(20)]
    pairs = []
    for i in range(n):
        old = bases[i % len(bases)]
        new = copy.deepcopy(old)
        MUTATIONS[i % len(MUTATIONS)](new, rng)
        pairs.append((old, new))
    return pairs


def recursive_pair(self_references: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A definition with ``self_references`` references to itself; maxLength 5 → 4."""

    def schema(max_length: int) -> dict[str, Any]:
        props: dict[str, Any] = {"v": {"type": "string", "maxLength": max_length}}
        for name in ("l", "r", "m")[:self_references]:
            props[name] = {"$ref": "#/$defs/t"}
        return {
            "$defs": {"t": {"type": "object", "properties": props}},
            "type": "object",
            "properties": {"root": {"$ref": "#/$defs/t"}},
        }

    return schema(5), schema(4)


def _time_recursive(self_references: int) -> tuple[float, int]:
    """Best wall time in ms of diff + policy on one recursive pair, and its change count."""
    old, new = recursive_pair(self_references)
    best = float("inf")
    count = 0
    for _ in range(20):
        start = time.perf_counter()
        count = len(evaluate(diff_schemas(old, new), "backward").changes)
        best = min(best, time.perf_counter() - start)
    return best * 1000, count


def _time(label: str, fn: Callable[[], int], n: int) -> tuple[str, float, float, float, int]:
    """Best of ``REPEATS`` runs (as timeit does: the minimum is the least disturbed run)."""
    fn()  # warm-up (caches, imports)
    best = float("inf")
    best_cpu = float("inf")
    changes = 0
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(REPEATS):
            start, start_cpu = time.perf_counter(), time.process_time()
            changes = fn()
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
    finally:
        if gc_was_enabled:
            gc.enable()
    # CPU time is shown too: on a shared machine wall-clock includes other processes' turns.
    return label, n / best, best / n * 1000, n / best_cpu, changes


def main() -> None:
    """Print throughput (pairs/s, ms per pair) of the diff alone and diff + policy."""
    pairs = make_pairs(PAIRS)
    schema_pairs = [(o["schema"], n["schema"]) for o, n in pairs]

    def whole() -> int:
        total = 0
        for old, new in pairs:
            result = evaluate(diff_documents(old, new), "backward")
            total += len(result.changes)
        return total

    def diff_only() -> int:
        return sum(len(diff_documents(old, new)) for old, new in pairs)

    def schemas_only() -> int:
        return sum(len(diff_schemas(old, new)) for old, new in schema_pairs)

    def full_mode() -> int:
        return sum(len(evaluate(diff_documents(o, n), "full").changes) for o, n in pairs)

    rows = [
        _time("diff + policy (contract documents, backward)", whole, PAIRS),
        _time("diff + policy (contract documents, full)", full_mode, PAIRS),
        _time("diff only (contract documents)", diff_only, PAIRS),
        _time("diff only (bare JSON Schemas)", schemas_only, PAIRS),
    ]
    print(f"{PAIRS:,} pairs of {COLUMNS}-column contracts, one change each (best of {REPEATS})")
    print(f"{'measure':<48} {'pairs/s':>10} {'ms/pair':>9} {'pairs/CPU-s':>12} {'changes':>8}")
    for label, rate, ms, cpu_rate, changes in rows:
        print(f"{label:<48} {rate:>10,.0f} {ms:>9.4f} {cpu_rate:>12,.0f} {changes:>8,}")
    print(
        f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    verdict = "meets" if rows[0][1] >= GOAL_PAIRS_PER_S else "misses"
    print(f"goal: >= {GOAL_PAIRS_PER_S:,} pairs/s for diff + policy ({verdict} it)")
    for refs in (1, 2, 3):
        ms, count = _time_recursive(refs)
        verdict = "meets" if ms < GOAL_RECURSIVE_MS else "misses"
        print(
            f"recursive $ref, {refs} self-reference{'s' if refs > 1 else ''}: {ms:.3f} ms, "
            f"{count} change (goal < {GOAL_RECURSIVE_MS:.0f} ms: {verdict} it)"
        )


if __name__ == "__main__":
    main()
