"""Which columns of a relation a model's SQL reads (column inference for ref consumers).

Pure: imports nothing from dbt. It parses SQL with sqlglot and answers one question: which
columns of one relation does this query read (in its select list, joins, filters, grouping,
ordering, subqueries)? When that cannot be said reliably it answers ``None``, which means
"all columns": the SQL does not parse, it reads ``*`` or ``t.*`` of the relation (also inside
a function: ``row_to_json(t.*)``, ``struct_pack(t.*)``, DuckDB's ``columns(...)``), it joins
with ``using``/``natural``, an unqualified column could belong to several relations, or the
relation is not found in the query.

A model's SQL is available either compiled (``compiled_code`` in ``manifest.json`` after
``dbt compile``/``build``: refs are relation names such as ``"db"."main"."orders"``) or raw
(``raw_code`` at parse time: Jinja). :func:`render_refs` turns raw code whose only Jinja is
``ref()``, ``source()``, ``config()`` and comments into SQL with placeholder table names; any
other Jinja (macros, loops, variables) makes the inference give up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope, traverse_scope

__all__ = [
    "RefCall",
    "RenderedSql",
    "columns_read",
    "render_refs",
    "split_relation",
    "sqlglot_dialect",
]

#: dbt adapter type -> sqlglot dialect (others parse with sqlglot's default dialect).
DIALECTS: dict[str, str] = {
    "duckdb": "duckdb",
    "postgres": "postgres",
    "redshift": "redshift",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "databricks": "databricks",
    "spark": "spark",
    "trino": "trino",
    "athena": "athena",
    "clickhouse": "clickhouse",
    "mysql": "mysql",
    "sqlserver": "tsql",
    "fabric": "tsql",
}

PLACEHOLDER_PREFIX = "__tessera_ref_"


def sqlglot_dialect(adapter_type: str | None) -> str | None:
    """The sqlglot dialect for a dbt adapter type (None: sqlglot's default)."""
    if not adapter_type:
        return None
    return DIALECTS.get(adapter_type.lower())


# -- raw code -> SQL ----------------------------------------------------------------------
@dataclass(frozen=True)
class RefCall:
    """One ``ref(...)`` or ``source(...)`` call found in raw code."""

    kind: str  # "ref" | "source"
    package: str | None  # ref: the project/package argument; source: the source name
    name: str
    version: str | None = None


@dataclass(frozen=True)
class RenderedSql:
    """Raw code with each ref/source replaced by a placeholder table name."""

    sql: str
    refs: dict[str, RefCall]  # placeholder -> call


_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_CONFIG = re.compile(r"\{\{-?\s*config\s*\((?:[^{}]|\{[^{}]*\})*\)\s*-?\}\}", re.S)
_CALL = re.compile(r"\{\{-?\s*(ref|source)\s*\(([^(){}]*)\)\s*-?\}\}", re.S)
_STRING = r"""(?:'([^'\\]*)'|"([^"\\]*)")"""
_ARG = re.compile(
    rf"""\s*(?:(v|version)\s*=\s*(?:{_STRING}|([0-9]+(?:\.[0-9]+)?))|{_STRING})\s*(?:,|$)"""
)


def _parse_args(text: str) -> tuple[list[str], str | None] | None:
    """Positional string arguments and the ``v=``/``version=`` keyword; None if anything else."""
    positional: list[str] = []
    version: str | None = None
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _ARG.match(text, pos)
        if m is None or m.end() == pos:
            return None
        if m.group(1):
            version = m.group(2) if m.group(2) is not None else m.group(3)
            if version is None:
                version = m.group(4)
        else:
            value = m.group(5) if m.group(5) is not None else m.group(6)
            positional.append(value or "")
        pos = m.end()
    return positional, version


def render_refs(raw_code: str) -> RenderedSql | None:
    """Replace ``{{ ref(..) }}``/``{{ source(..) }}`` with placeholders; None for other Jinja."""
    text = _COMMENT.sub(" ", raw_code)
    text = _CONFIG.sub(" ", text)
    refs: dict[str, RefCall] = {}
    failed = False

    def replace(m: re.Match[str]) -> str:
        nonlocal failed
        parsed = _parse_args(m.group(2))
        if parsed is None:
            failed = True
            return m.group(0)
        args, version = parsed
        kind = m.group(1)
        if kind == "ref" and len(args) in (1, 2):
            call = RefCall("ref", args[0] if len(args) == 2 else None, args[-1], version)
        elif kind == "source" and len(args) == 2 and version is None:
            call = RefCall("source", args[0], args[1])
        else:
            failed = True
            return m.group(0)
        placeholder = f"{PLACEHOLDER_PREFIX}{len(refs)}"
        refs[placeholder] = call
        return f" {placeholder} "

    sql = _CALL.sub(replace, text)
    if failed or "{{" in sql or "{%" in sql or "{#" in sql:
        return None
    return RenderedSql(sql, refs)


# -- relation names -----------------------------------------------------------------------
def split_relation(relation: str, dialect: str | None = None) -> tuple[str, ...] | None:
    """``"db"."main"."orders"`` -> ``("db", "main", "orders")`` (lowercased), None if unparsable."""
    try:
        table = exp.to_table(relation, dialect=dialect)
    except (SqlglotError, ValueError):
        return None
    parts = [p.name for p in table.parts]
    if not parts or not all(parts):
        return None
    return tuple(p.lower() for p in parts)


def _matches(table: exp.Table, target: tuple[str, ...]) -> bool:
    parts = tuple(p.name.lower() for p in table.parts)
    if not parts or parts[-1] != target[-1]:
        return False
    # Compare as many qualifiers as both sides give, from the right.
    n = min(len(parts), len(target))
    return parts[-n:] == target[-n:]


# -- select * ----------------------------------------------------------------------------
def selects_star(sql: str, relation: str | Sequence[str], dialect: str | None = None) -> bool:
    """Whether the query's output passes every column of ``relation`` through a star.

    ``select *`` or ``t.*`` in the outermost select whose source is ``relation``, directly or
    through CTEs and subqueries that themselves select ``*`` from it. Such a query's columns
    change with the relation's: a column added upstream is a column added here.
    """
    if isinstance(relation, str):
        target = split_relation(relation, dialect)
        if target is None:
            return False
    else:
        target = tuple(p.lower() for p in relation)
    return _selects_star(sql, target, dialect)


@lru_cache(maxsize=1024)
def _selects_star(sql: str, target: tuple[str, ...], dialect: str | None) -> bool:
    scopes = _scopes(sql, dialect)
    if not scopes:
        return False
    try:
        return _star_through(scopes[-1], target, 0)  # traverse_scope yields the root last
    except Exception:  # anything unexpected: not known to select *
        return False


def _star_through(scope: Scope, target: tuple[str, ...], depth: int) -> bool:
    if depth > 32:
        return False
    select = scope.expression
    if not isinstance(select, exp.Select):
        unions: list[Scope] = list(getattr(scope, "union_scopes", None) or ())
        return any(_star_through(s, target, depth + 1) for s in unions)
    for projection in select.expressions:
        if isinstance(projection, exp.Star):
            names = list(scope.sources)
        elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
            names = [projection.table] if projection.table else list(scope.sources)
        else:
            continue
        for name in names:
            source = scope.sources.get(name)
            if source is None:
                source = scope.sources.get(name.lower())
            if isinstance(source, exp.Table) and _matches(source, target):
                return True
            if isinstance(source, Scope) and _star_through(source, target, depth + 1):
                return True
    return False


# -- the inference ------------------------------------------------------------------------
class _AllColumns(Exception):
    """The query reads the relation in a way that cannot be narrowed to columns."""


def columns_read(
    sql: str, relation: str | Sequence[str], dialect: str | None = None
) -> frozenset[str] | None:
    """Lowercased names of the columns of ``relation`` that ``sql`` reads, or None for all.

    ``relation`` is a table name (``orders``, a placeholder of :func:`render_refs`, or a
    qualified ``"db"."schema"."orders"``) or its parts.
    """
    if isinstance(relation, str):
        target = split_relation(relation, dialect)
        if target is None:
            return None
    else:
        target = tuple(p.lower() for p in relation)
    return _columns_read(sql, target, dialect)


@lru_cache(maxsize=4096)
def _columns_read(sql: str, target: tuple[str, ...], dialect: str | None) -> frozenset[str] | None:
    scopes = _scopes(sql, dialect)
    if scopes is None:
        return None
    found = False
    columns: set[str] = set()
    aliases: set[str] = set()
    try:
        for scope in scopes:
            hits = _target_aliases(scope, target)
            if hits:
                found = True
                aliases |= hits
        if not found:
            return None
        for scope in scopes:
            _collect(scope, target, aliases, columns)
    except Exception:  # _AllColumns, or anything unexpected: not reliably known
        return None
    return frozenset(columns)


@lru_cache(maxsize=1024)
def _scopes(sql: str, dialect: str | None) -> tuple[Scope, ...] | None:
    """The query's scopes (parsed once per SQL text, whatever the number of targets)."""
    try:
        statements = sqlglot.parse(sql, read=dialect)
    except Exception:  # any parser failure means: not reliably known
        return None
    trees = [s for s in statements if s is not None]
    if len(trees) != 1:
        return None
    try:
        return tuple(traverse_scope(trees[0]))
    except Exception:
        return None


def _target_aliases(scope: Scope, target: tuple[str, ...]) -> set[str]:
    """The names under which the target relation is a source of this scope."""
    out: set[str] = set()
    for name, source in scope.sources.items():
        if isinstance(source, exp.Table) and _matches(source, target):
            out.add(name.lower())
    return out


def _collect(scope: Scope, target: tuple[str, ...], aliases: set[str], columns: set[str]) -> None:
    here = _target_aliases(scope, target)
    select = scope.expression
    if here:
        if isinstance(select, exp.Select):
            for join in select.args.get("joins") or ():
                if join.args.get("using") or join.args.get("method") == "NATURAL":
                    raise _AllColumns
                if str(join.args.get("kind") or "").upper() == "NATURAL":
                    raise _AllColumns
            for projection in select.expressions:
                if isinstance(projection, exp.Star):
                    raise _AllColumns
                if (
                    isinstance(projection, exp.Column)
                    and isinstance(projection.this, exp.Star)
                    and (not projection.table or projection.table.lower() in here)
                ):
                    raise _AllColumns
        elif not isinstance(select, exp.Select):
            raise _AllColumns
        _refuse_wholesale_reads(select, here)
    n_sources = len(scope.sources)
    projections = set()
    if isinstance(select, exp.Select):
        projections = {p.alias_or_name.lower() for p in select.expressions if p.alias_or_name}
    known = {id(c) for c in scope.columns}
    for column in _scope_columns(scope):
        if isinstance(column.this, exp.Star):
            continue
        if id(column) not in known and not column.table and column.name.lower() in projections:
            continue  # sqlglot left it out: a reference to a projection alias
        name = column.name.lower()
        table = column.table.lower() if column.table else ""
        if table:
            if table in here or (table in aliases and table not in scope.sources):
                columns.add(name)
            continue
        if not here:
            continue
        if n_sources == 1:
            columns.add(name)
        elif name in projections and _in_order_or_group(column):
            continue  # a reference to a projection alias, not to a source column
        else:
            raise _AllColumns  # which relation it belongs to would need the schema


def _refuse_wholesale_reads(select: exp.Expression, here: set[str]) -> None:
    """Reads of every column that are not a projection ``*``: ``row_to_json(t.*)``,
    ``struct_pack(t.*)``, DuckDB's ``columns(...)``, a ``*`` anywhere but ``count(*)``."""
    for node in select.find_all(exp.Star, exp.Columns):
        if isinstance(node, exp.Columns):
            raise _AllColumns
        parent = node.parent
        if isinstance(parent, exp.Count):
            continue  # count(*) reads rows, not columns
        if isinstance(parent, exp.Column):
            if not parent.table or parent.table.lower() in here:
                raise _AllColumns
            continue
        raise _AllColumns


def _scope_columns(scope: Scope) -> list[exp.Column]:
    """The scope's columns plus those sqlglot's scope leaves out (``qualify``, window
    ``partition by`` inside it): every column whose nearest query is this scope's."""
    seen = {id(c) for c in scope.columns}
    out = list(scope.columns)
    select = scope.expression
    if isinstance(select, exp.Select):
        for column in select.find_all(exp.Column):
            if id(column) not in seen and column.find_ancestor(exp.Select) is select:
                seen.add(id(column))
                out.append(column)
    return out


def _in_order_or_group(column: exp.Column) -> bool:
    parent = column.parent
    while parent is not None:
        if isinstance(parent, exp.Order | exp.Group | exp.Having | exp.Qualify):
            return True
        if isinstance(parent, exp.Select):
            return False
        parent = parent.parent
    return False
