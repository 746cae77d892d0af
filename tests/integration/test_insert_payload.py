"""Bulk inserts as one JSON payload store exactly what per-value literals store.

``tessera.insert_payload`` (used for the evaluation's check rows) quotes one JSON document
and lets the warehouse unpack it; ``tessera.insert_rows`` quotes every value. Both write the
same hostile rows into ``tessera_checks`` in one dbt invocation, on DuckDB and PostgreSQL;
the rows read back must be equal, and text the JSON functions cannot carry (NUL) still gets
the escaping helper's one-line refusal.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.harness import DbtProject
from tests.integration.test_gate_support import gate_project

pytestmark = pytest.mark.slow

HOSTILE = [
    "plain",
    "it's",
    "back\\slash \\' and \\\\",
    "new\nline\ttab\r",
    "$$ dollar $tag$",
    "{{ jinja }} {% raw %}",
    "unicode é ß 中文 ✓",
    '"; drop table x; --',
    '{"looks": "like json"}',
]

MACRO = """
{% macro payload_probe(values) %}
    {%- set base = modules.datetime.datetime(2024, 1, 2, 3, 4, 5, 678901) -%}
    {%- set rows_a = [] -%}
    {%- set rows_b = [] -%}
    {%- for v in values -%}
        {%- set i = loop.index -%}
        {%- for kind, rows in [('payload', rows_a), ('literal', rows_b)] -%}
            {%- do rows.append({
                'invocation_id': kind, 'row_kind': 'asset', 'asset_id': 'a' ~ i,
                'model_name': v, 'fingerprint': none, 'verdict': 'new', 'message': v,
                'changes_json': [{'kind': 'x', 'message': v}], 'schema_json': {'title': v},
                'guarantees_json': none, 'base_version': none, 'next_version': '1.0.0',
                'bump': none, 'proposal_id': none, 'blocks_all': i is even,
                'details_json': {'note': v}, 'checked_at': base}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do tessera.ensure_registry() -%}
    {%- set statements = tessera.insert_payload('tessera_checks', rows_a) -%}
    {%- do statements.extend(tessera.insert_rows('tessera_checks', rows_b)) -%}
    {%- do tessera.run_writes(statements, lock=false) -%}
{% endmacro %}
"""


def test_payload_and_literals_store_the_same_rows(
    adapter: str, new_project: Callable[..., DbtProject]
) -> None:
    p = gate_project(new_project, adapter)
    p.write("macros/payload_probe.sql", MACRO)
    p.dbt("run-operation", "payload_probe", "--args", json.dumps({"values": HOSTILE}))
    cols = (
        "asset_id, model_name, message, changes_json, schema_json, blocks_all, "
        "details_json, checked_at, next_version, fingerprint"
    )

    def rows(kind: str) -> list[tuple[object, ...]]:
        return p.query(
            f"select {cols} from {{schema}}.tessera_checks "
            f"where invocation_id = '{kind}' order by asset_id"
        )

    payload, literal = rows("payload"), rows("literal")
    assert len(payload) == len(HOSTILE)
    assert payload == literal
    assert sorted(r[1] for r in payload) == sorted(HOSTILE)
    assert json.loads(str(payload[0][3])) == [{"kind": "x", "message": payload[0][1]}]

    refused = p.dbt(
        "run-operation",
        "payload_probe",
        "--args",
        json.dumps({"values": ["nul\u0000"]}),
        expect=None,
    )
    assert refused.returncode != 0
    assert "cannot contain the NUL character" in refused.stdout
