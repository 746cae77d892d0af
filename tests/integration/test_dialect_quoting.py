"""The one quoting helper, per dialect: every adapter variant of ``tessera.quote_literal``
renders hostile strings that the dialect's own parser (sqlglot) reads back verbatim.

One DuckDB dbt invocation renders every value through every variant (the fixture
``dialects`` calls ``tessera.<adapter>__quote_literal`` directly, so the real Jinja runs);
each rendered literal is put in a statement and parsed with sqlglot in that dialect: the
statement must be exactly one, select exactly one expression, and that expression must be a
string literal whose value equals the input. NUL is refused by every variant with one line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from tests.harness import DbtProject

pytestmark = pytest.mark.duckdb

NewProject = Callable[..., DbtProject]

# tessera dispatch prefix -> sqlglot dialect ("" is sqlglot's standard SQL).
DIALECTS = {
    "default": "",
    "duckdb": "duckdb",
    "postgres": "postgres",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "redshift": "redshift",
    "databricks": "databricks",
    "spark": "spark",
    "trino": "trino",
}

HOSTILE = [
    "plain",
    "",
    "it's",
    "''",
    "'",
    "\\",
    "end\\",
    "\\'",
    "\\\\'",
    "a\\'; drop table canary; --",
    "'; drop table canary; --",
    "\\' or 1=1 --",
    "back\\slash\\\\double",
    "\\n is not a newline",
    "\\x41\\u0041\\101",
    "line1\nline2",
    "crlf\r\nend",
    "tab\there",
    "\x01\x02\x1b\x1f\x7f",
    "$$ dollar $$",
    "$tag$body$tag$",
    'say "hi"',
    "`tick`",
    "-- comment",
    "/* block */",
    "%s %(x)s {0}",
    "{{ var('x') }}",
    "{% if true %}x{% endif %}",
    "{# note #}",
    "é ü ß 中文 Ελληνικά",
    "emoji 🎉😀",
    "rtl \u202e mark \u2028 sep",
]

VALUES: list[Any] = [*HOSTILE, {"k": "it's \\' \n", "list": ["$$", "{{ x }}"]}]


def _expected(value: Any) -> str:
    # dicts and lists are stored as their JSON text (dbt's tojson)
    return value if isinstance(value, str) else json.dumps(value)


def _args(values: list[Any], dialects: list[str]) -> str:
    # JSON is YAML, but YAML refuses raw control characters and escaped surrogate pairs, and
    # folds raw line separators: astral characters go raw, the others as escapes.
    text = json.dumps({"values": values, "dialects": dialects}, ensure_ascii=False)
    for ch in ("\x7f", "\x85", "\u2028", "\u2029"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def _literal_value(sql: str, dialect: str) -> str:
    statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    assert len(statements) == 1, (dialect, sql, statements)
    select = statements[0]
    assert isinstance(select, exp.Select), (dialect, sql)
    assert len(select.expressions) == 2, (dialect, sql, select.expressions)
    alias = select.expressions[0]
    assert isinstance(alias, exp.Alias) and alias.alias == "v", (dialect, sql)
    node = alias.this
    # PostgreSQL's E'...' parses as sqlglot's ByteString (escapes already resolved).
    assert isinstance(node, (exp.Literal, exp.ByteString)), (dialect, sql, repr(node))
    assert not isinstance(node, exp.Literal) or node.is_string, (dialect, sql)
    assert select.expressions[1].sql() == "'sentinel' AS s", (dialect, sql)
    return str(node.this)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    from tests.harness import make_project

    project = make_project(tmp_path_factory.mktemp("dialects"), "duckdb", "dialects")
    res = project.dbt("run-operation", "render_literals", "--args", _args(VALUES, list(DIALECTS)))
    line = next(x for x in res.stdout.splitlines() if x.startswith("TESSERA_LITERALS "))
    out: dict[str, list[str]] = json.loads(line.split(" ", 1)[1])
    return out


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_hostile_strings_parse_back_verbatim(rendered: dict[str, list[str]], dialect: str) -> None:
    literals = rendered[dialect]
    assert len(literals) == len(VALUES)
    for value, literal in zip(VALUES, literals, strict=True):
        sql = f"select {literal} as v, 'sentinel' as s"
        assert _literal_value(sql, DIALECTS[dialect]) == _expected(value), (dialect, literal)


def test_backslash_dialects_do_not_double_quotes_alone(rendered: dict[str, list[str]]) -> None:
    # On Spark and Databricks '' is two adjacent literals ('it''s' reads "its"), and on
    # BigQuery it ends the literal: their variants must escape with a backslash instead.
    index = VALUES.index("it's")
    for dialect in ("spark", "databricks", "bigquery"):
        assert rendered[dialect][index] == "'it\\'s'", dialect
    assert rendered["bigquery"][VALUES.index("line1\nline2")] == "'line1\\nline2'"


@pytest.mark.parametrize("dialect", ["spark", "bigquery"])
def test_nul_is_refused_with_one_line(new_project: NewProject, dialect: str) -> None:
    project = new_project("duckdb", "dialects")
    args = _args(["a\x00b"], [dialect])
    res = project.dbt("run-operation", "render_literals", "--args", args, expect=1)
    assert "text cannot contain the NUL character" in res.output, str(res)
    assert "TESSERA_LITERALS" not in res.stdout
