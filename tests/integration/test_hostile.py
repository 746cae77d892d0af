"""Hostile input, property-based (hypothesis), on DuckDB and PostgreSQL.

Arbitrary strings (quotes, backslashes, comment markers, semicolons, dollar quotes, format
placeholders, Jinja, control characters, right-to-left marks, emoji, NUL, ...) go through
run-operation arguments and through manifest strings (column names, column descriptions,
accepted values, meta values). Each one comes back verbatim from the registry, or is
refused with one clear line; no statement other than the intended ones runs: a canary
table keeps its row, and the only new tables are the registry's and the model's.

dbt costs seconds per start, so hypothesis draws a bounded batch of strings first (a few
dozen), then ONE dbt process sends all of them (``Batch``): the accepted operations in a
single run-operation (the fixture's ``gate_ops``), each refusal on its own, then a build of
a model whose yml carries the strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tessera_dbt.plugin.registry import REGISTRY_TABLES
from tests.harness import DbtProject
from tests.integration.test_gate_support import gate_project
from tests.integration.test_security import Batch, Step, ok, refused_line

pytestmark = pytest.mark.slow

NewProject = Callable[..., DbtProject]
T = TypeVar("T")

TOKENS = [
    "'",
    "''",
    '"',
    "\\",
    "\\'",
    ";",
    "--",
    "/*",
    "*/",
    "$$",
    "$tag$",
    "%s",
    "%(x)s",
    "{schema}",
    "{{ var('x') }}",
    "{% raw %}",
    "E'\\x41'",
    "\n",
    "\r\n",
    "\t",
    "\u202e",
    "\u2028",
    "🎉",
    "日本語",
    "ẞ",
    "\x00",
    "'); drop table tessera_teams; --",
    "null",
    " ",
]
# Any text (hypothesis' default alphabet: all of Unicode but surrogates) mixed with tokens.
HOSTILE = st.lists(st.sampled_from(TOKENS) | st.text(max_size=6), max_size=8).map("".join)
# Manifest strings live in YAML that dbt renders with Jinja: no braces; no NUL (not UTF-8
# text a yml file can hold).
MANIFEST_TEXT = HOSTILE.map(lambda s: s.replace("{", "(").replace("}", ")").replace("\x00", ""))
# Column names: quoted identifiers (dbt quotes them without escaping '"'), unique without
# regard to case (DuckDB), short enough for PostgreSQL's 63 bytes.
COLUMN_NAME = st.text(alphabet="abcxyz019 '-;/*$%\\é🎉", min_size=1, max_size=10).filter(
    lambda s: s == s.strip()
)


def draw(strategy: st.SearchStrategy[T], n: int) -> list[T]:
    """Up to ``n`` distinct values from a strategy (deterministic: same draws every run)."""
    out: list[T] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: T) -> None:
        if value not in out:
            out.append(value)

    collect()
    return out


def yaml_args(args: dict[str, Any]) -> str:
    """JSON for ``--args`` that YAML reads back verbatim: characters YAML does not accept
    raw (controls, U+0080-U+009F, U+FFFE/FFFF) or folds (line breaks) become escapes."""
    text = json.dumps(args, ensure_ascii=False)
    out = []
    for ch in text:
        code = ord(ch)
        printable = (
            ch in "\t\n\r"
            or 0x20 <= code <= 0x7E
            or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        )
        # YAML folds raw line breaks (NEL, U+2028, U+2029) inside quoted scalars.
        printable = printable and code not in (0x85, 0x2028, 0x2029)
        out.append(ch if printable else f"\\u{code:04x}")
    return "".join(out)


def refused_for(value: str, blank_allowed: bool) -> bool:
    """Whether an argument validator must refuse ``value``."""
    return "\x00" in value or (not blank_allowed and not value.strip())


def tables(project: DbtProject) -> set[tuple[str, str]]:
    """(schema, table) of every table and view outside the catalogs."""
    rows = project.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog')"
    )
    return {(str(s), str(t).lower()) for s, t in rows}


def _walk(value: Any) -> list[Any]:
    """Every scalar inside a JSON value."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value]


def test_hostile_strings_round_trip_or_are_refused(adapter: str, new_project: NewProject) -> None:
    p = gate_project(new_project, adapter)
    strings = draw(HOSTILE, 24)
    texts = draw(MANIFEST_TEXT, 12)
    names = draw(COLUMN_NAME, 16)
    columns: list[str] = []
    for name in names:
        if name.lower() not in {c.lower() for c in columns}:
            columns.append(name)
    columns = columns[:8]
    assert len(strings) >= 15 and len(texts) >= 8 and len(columns) >= 5

    # A canary the hostile strings would have to reach to harm.
    p.execute("create schema tessera")
    p.execute("create table tessera.zz_canary (x integer)")
    p.execute("insert into tessera.zz_canary values (42)")
    before_tables = tables(p)

    # -- run-operation arguments: team name and description, principal, consumer note ----
    accepted: list[tuple[str, str, str]] = []  # (team, principal, note)
    refusals: list[tuple[str, dict[str, Any], str]] = []
    for i, text in enumerate(strings):
        team = f"t{i} {text}"  # unique, and never blank
        principal = text if text.strip() else f"p{i}"
        if refused_for(text, blank_allowed=True):
            refusals.append(("create_team", {"name": team, "description": text}, "NUL"))
            continue
        accepted.append((team, principal, text))
    ops = []
    for team, principal, note in accepted:
        ops.append({"op": "create_team", "args": {"name": team, "description": note}})
        ops.append({"op": "add_team_member", "args": {"team": team, "principal": principal}})
        ops.append(
            {"op": "register_consumer", "args": {"model": "orders", "team": team, "note": note}}
        )
    # Reads take them too: list_proposals prints JSON naming the team it was asked about.
    listed = [team for team, _, _ in accepted[:6]]
    for team in listed:
        ops.append({"op": "list_proposals", "args": {"team": team, "format": "json"}})
    b = Batch(p)
    b.dbt("run-operation", "gate_ops", "--args", yaml_args({"ops": ops}))
    refused_at = [
        b.dbt("run-operation", f"tessera.{name}", "--args", yaml_args(args))
        for name, args, _ in refusals[:4]
    ]
    blank = b.dbt("run-operation", "tessera.create_team", "--args", yaml_args({"name": " \t\n"}))

    # -- manifest strings: column names and descriptions, accepted values, meta values ----
    owner = texts[0].strip() or "owner"
    values = [t for t in texts[1:] if t][:5]
    comment = texts[-1]
    select = ",\n    ".join(
        [f'cast(1 as integer) as "{c}"' for c in columns] + ["cast('x' as varchar(200)) as status"]
    )
    model = {
        "name": "hostile",
        "description": texts[2],
        "config": {
            "contract": {"enforced": True},
            "meta": {
                "tessera": {
                    "owner": owner,
                    # freshness.filter is free text (a SQL condition, as in dbt's own
                    # source freshness); unknown keys are refused, so it carries the string.
                    "guarantees": {
                        "volume": {"min_rows": 1},
                        "freshness": {
                            "warn_after": {"count": 6, "period": "hour"},
                            "filter": comment,
                        },
                    },
                }
            },
        },
        "columns": [
            {
                "name": c,
                "quote": True,
                "data_type": "integer",
                "description": texts[(i + 3) % len(texts)],
            }
            for i, c in enumerate(columns)
        ]
        + [
            {
                "name": "status",
                "data_type": "varchar(200)",
                "data_tests": [{"accepted_values": {"arguments": {"values": values}}}],
            }
        ],
    }
    b.write("models/hostile.sql", f"select\n    {select}\n")
    b.write(
        "models/_hostile.yml",
        yaml.safe_dump({"version": 2, "models": [model]}, allow_unicode=True),
    )
    built = b.dbt("run", "-s", "hostile")
    results = b.run()

    # Accepted: every value is in the registry exactly as sent.
    ok(results[0])
    teams = dict(p.query("select name, description from {schema}.tessera_teams"))
    members = set(p.query("select team, principal from {schema}.tessera_team_members"))
    notes = dict(
        p.query(
            "select team, note from {schema}.tessera_registrations "
            "where asset_id = 'model.gate.orders'"
        )
    )
    for team, principal, note in accepted:
        assert teams.get(team) == note, repr(team)
        assert (team, principal) in members, repr(team)
        assert notes.get(team) == note, repr(team)
    created = {
        r[0]
        for r in p.query(
            "select entity_id from {schema}.tessera_audit_log where action = 'team_created'"
        )
    }
    assert {t for t, _, _ in accepted} <= created
    printed = [json.loads(m) for m in results[0].messages if m.startswith('{"')]
    assert [d["team"] for d in printed if "team" in d] == listed
    # Refused: one clear line each, and nothing written for them.
    for (name, args, needle), i in zip(refusals, refused_at, strict=False):
        line = refused_line(results[i])
        assert line.startswith(f"tessera.{name}: ") and needle in line, line
        assert args["name"] not in teams
    assert "is blank" in refused_line(results[blank])

    # The manifest's strings: the published contract carries them verbatim.
    step: Step = results[built]
    ok(step)
    assert "published model.gate.hostile 1.0.0" in step.text, str(step)
    schema_json, guarantees_json = p.query(
        "select schema_json, guarantees_json from {schema}.tessera_contracts "
        "where asset_id = 'model.gate.hostile'"
    )[0]
    schema = json.loads(schema_json)
    props = schema["properties"]
    assert list(schema["x-tessera-column-order"]) == [*columns, "status"]
    for i, c in enumerate(columns):
        assert props[c]["description"] == texts[(i + 3) % len(texts)], repr(c)
    assert sorted(props["status"]["enum"]) == sorted(values)
    assert comment in _walk(json.loads(guarantees_json))
    assert p.query(
        "select owner_team from {schema}.tessera_assets where asset_id = 'model.gate.hostile'"
    ) == [(owner,)]
    assert owner in teams  # the owner team the build created

    # Nothing else ran: the canary is intact; the only new tables are the registry's and
    # the model's.
    assert p.query("select x from tessera.zz_canary") == [(42,)]
    new = tables(p) - before_tables
    assert {t for _, t in new} <= {*REGISTRY_TABLES, "hostile"}, new
    assert before_tables <= tables(p)
