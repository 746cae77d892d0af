"""The registry export document: its layout, a streaming writer and reader, validation, merge.

``tessera export`` writes one JSON document (``format_version`` 1, see docs/export.md)::

    {
      "format_version": 1,
      "generated_at": "2026-01-31T12:34:56.000000Z",
      "source": {"adapter": "duckdb", "database": "warehouse", "schema": "tessera"},
      "tables": {
        "tessera_teams": {
          "columns": ["name", "description", ...],
          "rows": [
            ["core-data", null, ...]
          ]
        },
        ...
      }
    }

Tables come in registry order, rows in key order; timestamps are UTC ISO-8601 text with
microseconds and ``Z``. The writer puts one row per line, so the reader can stream a file it
wrote without holding a table in memory; any other layout of the same JSON (a file passed
through ``jq``) is read whole. Pure: no dbt.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

FORMAT_VERSION = 1

#: Rows the target registry writes about itself when it is created: they do not make it
#: "not empty" for an import (the schema-version table and these audit actions).
SCHEMA_VERSION_TABLE = "tessera_schema_version"
AUDIT_TABLE = "tessera_audit_log"
BOOKKEEPING_ACTIONS = ("registry_initialized", "registry_migrated")
#: The audit action an import appends.
IMPORT_ACTION = "registry_imported"

_KINDS = ("text", "integer", "boolean", "timestamp")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?")


class ExportFileError(ValueError):
    """The file cannot be imported; ``str()`` is one line saying where and why."""


@dataclass(frozen=True)
class TableSpec:
    """One registry table as the registry describes it (the export header)."""

    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    key: tuple[str, ...] = ()
    rows: int = 0

    @classmethod
    def from_header(cls, item: Mapping[str, Any]) -> TableSpec:
        """A spec from one entry of ``tessera.export_registry``'s header line."""
        return cls(
            name=str(item["name"]),
            columns=tuple(str(c) for c in item["columns"]),
            types=tuple(str(t) for t in item["types"]),
            key=tuple(str(c) for c in item.get("key") or ()),
            rows=int(item.get("rows") or 0),
        )

    def kind(self, column: str) -> str:
        """The column's type: text, integer, boolean or timestamp."""
        return self.types[self.columns.index(column)]

    def row_key(self, row: Sequence[Any]) -> str:
        """What identifies a row: its unique key; for keyless tables the whole row, as a
        digest (a merge keeps one short string per registry row, never the rows)."""
        if not self.key:
            return "#" + row_digest(row)
        return canonical_row([row[self.columns.index(c)] for c in self.key])


def canonical_row(row: Sequence[Any]) -> str:
    """The row as compact JSON (what two rows are compared by)."""
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


def row_digest(row: Sequence[Any]) -> str:
    """A short digest of a row's content (a merge keeps digests, not rows)."""
    return hashlib.blake2b(canonical_row(row).encode(), digest_size=16).hexdigest()


def utc_iso(moment: datetime) -> str:
    """A datetime as the export's timestamp text (naive datetimes are UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    """The current time as the export's timestamp text."""
    return utc_iso(datetime.now(timezone.utc))


# -- writing ---------------------------------------------------------------------------------
def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class ExportWriter:
    """Writes the document to a text stream as header and pages arrive, one row per line.

    Call :meth:`header` once, :meth:`rows` for each page (tables in header order), then
    :meth:`close`. Nothing is kept but the name of the table being written.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.tables: list[TableSpec] = []
        self._next = 0  # index of the next table to open
        self._open: str | None = None
        self._rows_in_open = 0
        self.counts: dict[str, int] = {}

    def header(
        self, source: Mapping[str, Any], tables: Sequence[TableSpec], generated_at: str
    ) -> None:
        """Write the document's head (format version, time, source)."""
        self.tables = list(tables)
        self.out.write("{\n")
        self.out.write(f'  "format_version": {FORMAT_VERSION},\n')
        self.out.write(f'  "generated_at": {_line(generated_at)},\n')
        self.out.write(f'  "source": {_line(dict(source))},\n')
        self.out.write('  "tables": {')

    def _start(self, spec: TableSpec) -> None:
        sep = "," if self._next > 0 else ""
        self.out.write(f"{sep}\n    {_line(spec.name)}: {{\n")
        self.out.write(f'      "columns": {_line(list(spec.columns))},\n')
        self.out.write('      "rows": [')
        self._open = spec.name
        self._rows_in_open = 0
        self._next += 1

    def _finish(self) -> None:
        if self._open is None:
            return
        self.out.write("\n      ]\n    }" if self._rows_in_open else "]\n    }")
        self.counts[self._open] = self._rows_in_open
        self._open = None

    def _advance_to(self, name: str | None) -> None:
        """Close the open table and open (empty) tables up to ``name`` (all when None)."""
        while name is None or self._open != name:
            self._finish()
            if self._next >= len(self.tables):
                if name is not None:
                    raise ValueError(f"rows of {name!r} arrived out of table order")
                return
            self._start(self.tables[self._next])

    def rows(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        """Write one page of a table's rows."""
        self._advance_to(table)
        for row in rows:
            self.out.write(",\n        " if self._rows_in_open else "\n        ")
            self.out.write(_line(list(row)))
            self._rows_in_open += 1

    def close(self) -> None:
        """Write the remaining (empty) tables and the end of the document."""
        self._advance_to(None)
        self._finish()
        self.out.write("\n  }\n}\n")


# -- reading ---------------------------------------------------------------------------------
@dataclass
class ExportTable:
    """One table of a file: its columns and a way to iterate its rows (again)."""

    name: str
    columns: Any
    count: int


@dataclass
class ExportFile:
    """A file to import: its head, and its tables' rows read on demand (twice if need be)."""

    path: Path
    format_version: Any
    generated_at: Any
    source: Any
    tables: list[ExportTable] = field(default_factory=list)
    _document: dict[str, Any] | None = None

    def rows(self, table: str) -> Iterator[Any]:
        """The rows of one table, in file order."""
        if self._document is not None:
            yield from self._document["tables"][table]["rows"]
            return
        for name, row in _stream_rows(self.path):
            if name == table:
                yield row

    def all_rows(self) -> Iterator[tuple[str, Any]]:
        """(table, row) for every row, in file order, in one pass."""
        if self._document is not None:
            for name, data in self._document["tables"].items():
                for row in data["rows"]:
                    yield name, row
            return
        yield from _stream_rows(self.path)


class _Layout(Exception):
    """The file is not in the writer's one-row-per-line layout (read it whole instead)."""


def _head_value(line: str, key: str) -> Any:
    prefix = f'  "{key}": '
    if not line.startswith(prefix):
        raise _Layout(key)
    try:
        return json.loads(line[len(prefix) :].rstrip().rstrip(","))
    except json.JSONDecodeError as exc:
        raise _Layout(key) from exc


def _stream(path: Path) -> Iterator[tuple[str, Any]]:
    """Events of a file in the writer's layout: ("head", dict), ("table", (name, columns)),
    ("row", row), ("end", None). Raises _Layout on anything else (or a truncated file)."""
    with path.open(encoding="utf-8") as fh:
        lines = iter(fh)

        def take() -> str:
            try:
                return next(lines).rstrip("\n")
            except StopIteration:
                raise _Layout("end of file") from None

        if take() != "{":
            raise _Layout("start")
        head = {
            "format_version": _head_value(take(), "format_version"),
        }
        yield "head", head
        head["generated_at"] = _head_value(take(), "generated_at")
        head["source"] = _head_value(take(), "source")
        yield "head", head
        if take() != '  "tables": {':
            raise _Layout("tables")
        while True:
            line = take()
            if line == "  }":
                break
            match = re.fullmatch(r'    ("(?:[^"\\]|\\.)*"): \{', line)
            if not match:
                raise _Layout("table")
            name = json.loads(match.group(1))
            columns = _head_value(take().removeprefix("    "), "columns")
            yield "table", (name, columns)
            line = take()
            if line == '      "rows": []':
                pass
            elif line == '      "rows": [':
                while True:
                    line = take()
                    if line == "      ]":
                        break
                    if not line.startswith("        "):
                        raise _Layout("row")
                    try:
                        row = json.loads(line.rstrip(","))
                    except json.JSONDecodeError as exc:
                        raise _Layout("row") from exc
                    yield "row", row
            else:
                raise _Layout("rows")
            if take() not in ("    },", "    }"):
                raise _Layout("table end")
        if take() != "}":
            raise _Layout("end")
        for rest in lines:
            if rest.strip():
                raise _Layout("trailing text")
        yield "end", None


def _stream_rows(path: Path) -> Iterator[tuple[str, Any]]:
    table = ""
    for kind, value in _stream(path):
        if kind == "table":
            table = value[0]
        elif kind == "row":
            yield table, value


def open_export(path: Path) -> ExportFile:
    """Read a file's structure (one streaming pass; a file in another layout is read whole).

    Raises :class:`ExportFileError` for a file that is not a complete JSON document, or not
    an export at all; the format version is checked first, so a newer file is named as such.
    """
    try:
        return _open_streaming(path)
    except _Layout:
        pass
    except UnicodeDecodeError as exc:
        raise ExportFileError(f"{path} is not UTF-8 text ({exc.reason})") from exc
    try:
        with path.open(encoding="utf-8") as fh:
            document = json.load(fh)
    except UnicodeDecodeError as exc:
        raise ExportFileError(f"{path} is not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise ExportFileError(
            f"{path} is not a complete JSON document (truncated or damaged?): {exc.msg} at "
            f"line {exc.lineno} column {exc.colno}"
        ) from exc
    if not isinstance(document, dict):
        raise ExportFileError(f"{path} is not a Tessera export (a JSON object with format_version)")
    check_format_version(path, document.get("format_version"))
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ExportFileError(f"{path}: tables is missing or not an object")
    found = ExportFile(
        path, document["format_version"], document.get("generated_at"), document.get("source")
    )
    for name, data in tables.items():
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise ExportFileError(f"{path}: tables.{name} is not {{columns, rows}}")
        found.tables.append(ExportTable(name, data.get("columns"), len(data["rows"])))
    found._document = document
    return found


def _open_streaming(path: Path) -> ExportFile:
    found: ExportFile | None = None
    current: ExportTable | None = None
    for kind, value in _stream(path):
        if kind == "head":
            # The first event carries only the version: a newer file is refused as such even
            # when the rest of its layout differs.
            check_format_version(path, value["format_version"])
            if "source" in value:
                found = ExportFile(
                    path, value["format_version"], value["generated_at"], value["source"]
                )
        elif kind == "table":
            assert found is not None
            current = ExportTable(value[0], value[1], 0)
            found.tables.append(current)
        elif kind == "row":
            assert current is not None
            current.count += 1
    assert found is not None
    return found


def check_format_version(path: Path, version: Any) -> None:
    """Refuse a file whose format_version this version cannot read."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ExportFileError(
            f"{path}: format_version = {json.dumps(version)} is not allowed; allowed: "
            f"{FORMAT_VERSION} (is it a Tessera export?)"
        )
    if version > FORMAT_VERSION:
        raise ExportFileError(
            f"{path} was written by a newer Tessera (format_version {version}); this version "
            f"reads format_version {FORMAT_VERSION}: upgrade tessera-dbt to import it"
        )


# -- validating ------------------------------------------------------------------------------
def _value(path: Path, where: str, kind: str, value: Any) -> Any:
    """The value in the export's normal form, or ExportFileError naming where it is wrong."""
    if value is None:
        return None
    if kind == "text" and isinstance(value, str):
        if "\x00" in value:
            raise ExportFileError(
                f"{path}: {where} contains NUL (\\u0000), which no registry stores"
            )
        return value
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "timestamp" and isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        try:
            return utc_iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    allowed = {
        "text": "text or null",
        "integer": "an integer or null",
        "boolean": "true, false or null",
        "timestamp": "an ISO-8601 timestamp (2026-01-31T12:34:56.000000Z) or null",
    }[kind]
    shown = json.dumps(value, ensure_ascii=False)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    raise ExportFileError(f"{path}: {where} = {shown} is not allowed; allowed: {allowed}")


@dataclass
class Plan:
    """What an import would do to each table: rows to add, rows already there, conflicts."""

    new: dict[str, int] = field(default_factory=dict)
    same: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    conflict_count: int = 0


class Importer:
    """Validates a file against the target registry's tables and decides row by row.

    ``existing`` maps each table to {row key: row digest} of the target (empty for an empty
    registry). :meth:`normal_rows` yields each table's rows in the target's column order,
    normalised, with ``True`` for rows to write.
    """

    def __init__(
        self,
        file: ExportFile,
        specs: Sequence[TableSpec],
        existing: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.file = file
        self.specs = {s.name: s for s in specs}
        self.existing = existing or {}
        self._positions: dict[str, list[int | None]] = {}
        self._check_tables()

    def _check_tables(self) -> None:
        path = self.file.path
        seen: set[str] = set()
        for table in self.file.tables:
            if table.name not in self.specs:
                raise ExportFileError(
                    f"{path}: table {table.name!r} is not a registry table of this version; "
                    f"allowed: {', '.join(self.specs)}"
                )
            if table.name in seen:
                raise ExportFileError(f"{path}: table {table.name} appears twice")
            seen.add(table.name)
            spec = self.specs[table.name]
            columns = table.columns
            if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
                raise ExportFileError(f"{path}: tables.{table.name}.columns is not a list of names")
            unknown = [c for c in columns if c not in spec.columns]
            if unknown or len(set(columns)) != len(columns):
                raise ExportFileError(
                    f"{path}: tables.{table.name}.columns = {json.dumps(columns)} is not allowed; "
                    f"allowed: distinct columns of {table.name}: {', '.join(spec.columns)}"
                )
            missing_key = [c for c in spec.key if c not in columns]
            if missing_key and table.count:
                raise ExportFileError(
                    f"{path}: tables.{table.name}.columns lacks the key column(s) "
                    f"{', '.join(missing_key)}"
                )
            # Where each target column is in the file's rows (None: not in the file).
            self._positions[table.name] = [
                columns.index(c) if c in columns else None for c in spec.columns
            ]

    def normalise(self, table: str, index: int, row: Any) -> list[Any]:
        """One file row as a target row (target column order), or ExportFileError."""
        spec = self.specs[table]
        width = len(self._positions[table])
        file_columns = sum(p is not None for p in self._positions[table])
        where = f"tables.{table}.rows[{index}]"
        if not isinstance(row, list) or len(row) != file_columns:
            raise ExportFileError(
                f"{self.file.path}: {where} is not allowed; allowed: a list of {file_columns} values"
            )
        out: list[Any] = [None] * width
        for n, position in enumerate(self._positions[table]):
            if position is not None:
                column = spec.columns[n]
                out[n] = _value(self.file.path, f"{where} ({column})", spec.types[n], row[position])
        return out

    def decide(self, table: str, row: list[Any]) -> str:
        """``new``, ``same`` (identical row present) or ``conflict`` (same key, other content)."""
        spec = self.specs[table]
        present = self.existing.get(table, {})
        digest = present.get(spec.row_key(row))
        if digest is None:
            return "new"
        return "same" if digest == row_digest(row) else "conflict"

    def plan(self) -> Plan:
        """Validate every row and decide what an import writes (one pass over the file)."""
        plan = Plan()
        index: dict[str, int] = {}
        seen: dict[str, set[str]] = {}
        for table, row in self.file.all_rows():
            n = index.get(table, 0)
            index[table] = n + 1
            normal = self.normalise(table, n, row)
            key = self.specs[table].row_key(normal)
            if self.specs[table].key:
                # Keyed tables are small (teams, assets, contracts …); the audit log is not.
                keys = seen.setdefault(table, set())
                if key in keys:
                    raise ExportFileError(
                        f"{self.file.path}: tables.{table}.rows[{n}] repeats the key {key} of "
                        "an earlier row"
                    )
                keys.add(key)
            verdict = self.decide(table, normal)
            if verdict == "conflict":
                plan.conflict_count += 1
                if len(plan.conflicts) < 10:
                    plan.conflicts.append(f"{table} {key}")
                continue
            bucket = plan.new if verdict == "new" else plan.same
            bucket[table] = bucket.get(table, 0) + 1
        return plan

    def rows_to_write(self) -> Iterator[tuple[str, list[Any]]]:
        """(table, normal row) for every row the import writes, in file order."""
        index: dict[str, int] = {}
        for table, row in self.file.all_rows():
            n = index.get(table, 0)
            index[table] = n + 1
            normal = self.normalise(table, n, row)
            if self.decide(table, normal) == "new":
                yield table, normal


def is_bookkeeping(spec: TableSpec, row: Sequence[Any]) -> bool:
    """A row a registry writes about itself when created (it does not make it non-empty)."""
    if spec.name == SCHEMA_VERSION_TABLE:
        return True
    if spec.name == AUDIT_TABLE and "action" in spec.columns:
        return row[spec.columns.index("action")] in BOOKKEEPING_ACTIONS
    return False


def yaml_safe_json(value: Any) -> str:
    """JSON that YAML (dbt's ``--args``) reads back verbatim: every character outside
    printable ASCII becomes an escape (``\\uXXXX``; ``\\UXXXXXXXX`` beyond the BMP, which
    YAML reads as one character where JSON's surrogate pairs would not be joined)."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if text.isascii() and "\x7f" not in text:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)
