"""``tessera export`` and ``tessera import``: the whole registry as one versioned document.

The registry is read through ``tessera.export_registry`` (pages of rows printed as JSON lines,
written to the file as they arrive) and written through ``tessera.import_registry`` (batches
staged next to the registry tables, then moved in one transaction with one audit event).
The document's layout, validation and merge rules live in :mod:`tessera_dbt.core.transfer`.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click

from tessera_dbt.cli._common import dbt_options, fail, options_from, require_project
from tessera_dbt.cli.dbt_runner import DbtError, DbtOptions, invoke
from tessera_dbt.core.transfer import (
    IMPORT_ACTION,
    ExportFileError,
    ExportWriter,
    Importer,
    TableSpec,
    is_bookkeeping,
    now_iso,
    open_export,
    row_digest,
    yaml_safe_json,
)

#: Rows per page read from the registry, and per batch written to it.
PAGE_SIZE = 2000
BATCH_ROWS = 5000
#: dbt writes what macros print, and (at debug level) its arguments, to logs/dbt.log: the
#: whole registry on every export. Keep only warnings and errors there.
QUIET_FILE_LOG = ("--log-level-file", "warn")


@dataclass
class RegistryStream:
    """What ``tessera.export_registry`` reported: the source and the tables (header)."""

    source: dict[str, Any] = field(default_factory=dict)
    tables: list[TableSpec] = field(default_factory=list)


def stream_registry(
    options: DbtOptions,
    on_header: Callable[[RegistryStream], None],
    on_page: Callable[[str, list[list[Any]]], None],
    page_size: int = PAGE_SIZE,
) -> RegistryStream:
    """Run ``tessera.export_registry`` and hand over its header and pages as they arrive."""
    found = RegistryStream()
    problems: list[BaseException] = []

    def on_print(text: str) -> None:
        if problems or not text.startswith('{"export"'):
            return
        try:
            message = json.loads(text)
            if message.get("export") == "header":
                found.source = dict(message["source"])
                found.tables = [TableSpec.from_header(t) for t in message["tables"]]
                on_header(found)
            elif message.get("export") == "page":
                on_page(str(message["table"]), message["rows"])
        except BaseException as exc:  # dbt would swallow it: keep it and stop listening
            problems.append(exc)

    args = [
        "run-operation",
        "tessera.export_registry",
        "--args",
        json.dumps({"page_size": page_size}),
        *QUIET_FILE_LOG,
    ]
    # dbt writes every print to its log file whatever the level: the pages go to a
    # throwaway log folder, not into logs/dbt.log.
    with tempfile.TemporaryDirectory(prefix="tessera-export-logs-") as logs:
        outcome = invoke([*args, "--log-path", logs], options, on_print=on_print)
    if problems:
        raise problems[0]
    if not outcome.success:
        raise DbtError(outcome.error_line())
    if not found.tables:
        raise DbtError(
            "tessera.export_registry printed no header (is the tessera package in "
            "dbt_packages up to date? run `dbt deps`)"
        )
    return found


def read_tables(
    options: DbtOptions,
    keep: Callable[[str, list[Any], TableSpec], bool] | None = None,
) -> tuple[RegistryStream, dict[str, list[dict[str, Any]]]]:
    """The registry's rows as dicts per table, keeping only rows ``keep`` accepts."""
    tables: dict[str, list[dict[str, Any]]] = {}
    specs: dict[str, TableSpec] = {}

    def header(stream: RegistryStream) -> None:
        for spec in stream.tables:
            specs[spec.name] = spec
            tables[spec.name] = []

    def page(name: str, rows: list[list[Any]]) -> None:
        spec = specs[name]
        for row in rows:
            if keep is None or keep(name, row, spec):
                tables[name].append(dict(zip(spec.columns, row, strict=True)))

    stream = stream_registry(options, header, page)
    return stream, tables


@contextmanager
def output_stream(path: str | None) -> Iterator[IO[str]]:
    """The output file (written to a temporary name, renamed when complete), or stdout."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as fh:
            yield fh
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def export_json(
    options: DbtOptions, output: str | None, page_size: int = PAGE_SIZE
) -> dict[str, int]:
    """Write the registry as an export document; return the rows written per table."""
    with output_stream(output) as out:
        writer = ExportWriter(out)
        stream = stream_registry(
            options,
            lambda s: writer.header(s.source, s.tables, now_iso()),
            writer.rows,
            page_size,
        )
        writer.close()
    expected = {t.name: t.rows for t in stream.tables}
    if writer.counts != expected:
        # Rows were written (or pruned) while the export read the registry.
        click.echo(
            "tessera export: warning: the registry changed during the export; rows per table "
            f"expected {expected}, written {writer.counts}",
            err=True,
        )
    return writer.counts


@click.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to this file (default: standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "odcs"]),
    default="json",
    show_default=True,
    help="json: the whole registry (docs/export.md); odcs: ODCS v3.1 YAML, one document "
    "per asset's latest contract (docs/odcs.md).",
)
@click.option("--model", help="With --format odcs: only this model (name or unique id).")
@dbt_options
def export_command(output: str | None, fmt: str, model: str | None, **kw: Any) -> None:
    """Write the whole registry as one versioned JSON document, or its contracts as ODCS."""
    options = options_from(kw)
    require_project(options)
    if model is not None and fmt != "odcs":
        fail("--model is allowed only with --format odcs (a json export is the whole registry)")
    if fmt == "odcs":
        from tessera_dbt.cli.odcs import export_odcs

        export_odcs(options, output, model)
        return
    started = time.perf_counter()
    counts = export_json(options, output)
    if output not in (None, "-"):
        click.echo(
            f"tessera export: wrote {sum(counts.values())} rows of {len(counts)} tables to "
            f"{output} in {time.perf_counter() - started:.1f}s",
            err=True,
        )


# -- import ----------------------------------------------------------------------------------
def _target_state(
    options: DbtOptions, merge: bool
) -> tuple[RegistryStream, dict[str, dict[str, str]], dict[str, int]]:
    """The target's tables, {table: {row key: digest}} (for a merge) and the number of rows
    per table that make it non-empty."""
    existing: dict[str, dict[str, str]] = {}
    occupied: dict[str, int] = {}
    specs: dict[str, TableSpec] = {}

    def header(stream: RegistryStream) -> None:
        for spec in stream.tables:
            specs[spec.name] = spec
            existing[spec.name] = {}

    def page(name: str, rows: list[list[Any]]) -> None:
        spec = specs[name]
        keys = existing[name]
        for row in rows:
            if merge:
                keys[spec.row_key(row)] = row_digest(row)
            if not is_bookkeeping(spec, row):
                occupied[name] = occupied.get(name, 0) + 1

    stream = stream_registry(options, header, page)
    return stream, existing, occupied


def _batches(
    rows: Iterator[tuple[str, list[Any]]], specs: Mapping[str, TableSpec]
) -> Iterator[dict[str, Any]]:
    """``tables`` arguments of at most BATCH_ROWS rows."""
    batch: dict[str, Any] = {}
    size = 0
    for table, row in rows:
        if table not in batch:
            batch[table] = {"columns": list(specs[table].columns), "rows": []}
        batch[table]["rows"].append(row)
        size += 1
        if size >= BATCH_ROWS:
            yield batch
            batch, size = {}, 0
    if batch:
        yield batch


def _run_import(arguments: Mapping[str, Any], options: DbtOptions) -> None:
    args = [
        "run-operation",
        "tessera.import_registry",
        "--args",
        yaml_safe_json(dict(arguments)),
        *QUIET_FILE_LOG,
    ]
    outcome = invoke(args, options)
    if not outcome.success:
        raise DbtError(outcome.error_line())


def import_file(path: Path, options: DbtOptions, merge: bool) -> dict[str, Any]:
    """Import a file into the registry; return what was written (or raise)."""
    file = open_export(path)
    stream, existing, occupied = _target_state(options, merge)
    importer = Importer(file, stream.tables, existing if merge else None)
    if occupied and not merge:
        where = f"{stream.source.get('database')}.{stream.source.get('schema')}"
        held = ", ".join(f"{n} rows in {t}" for t, n in occupied.items())
        raise ExportFileError(
            f"the registry {where} is not empty ({held}); import into an empty registry, or "
            "pass --merge to add only the rows it does not have"
        )
    plan = importer.plan()
    if plan.conflict_count:
        raise ExportFileError(
            f"{plan.conflict_count} row(s) of {path} have the key of a registry row with "
            f"other content; nothing written. Conflicts: {'; '.join(plan.conflicts)}"
            + (" …" if plan.conflict_count > len(plan.conflicts) else "")
        )
    specs = {s.name: s for s in stream.tables}
    details = {
        "file_source": file.source,
        "file_generated_at": file.generated_at,
        "format_version": file.format_version,
        "merge": merge,
        "rows": dict(sorted(plan.new.items())),
        "skipped_identical": dict(sorted(plan.same.items())),
    }
    batches = _batches(importer.rows_to_write(), specs)
    first = True
    pending = next(batches, None)
    while True:
        following = next(batches, None) if pending is not None else None
        last = following is None
        arguments: dict[str, Any] = {"tables": pending or {}, "begin": first}
        if last:
            arguments.update({"commit": True, "details": details})
        _run_import(arguments, options)
        if last:
            break
        first = False
        pending = following
    return details


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--merge",
    is_flag=True,
    help="Into a registry that is not empty: add only the rows whose keys it does not have "
    "(nothing at all when a row has the key of a registry row with other content).",
)
@dbt_options
def import_command(file: Path, merge: bool, **kw: Any) -> None:
    """Load an export document into the registry (empty, or --merge), in one transaction."""
    options = options_from(kw)
    require_project(options)
    started = time.perf_counter()
    try:
        details = import_file(file, options, merge)
    except ExportFileError as exc:
        fail(str(exc))
    except DbtError as exc:
        fail(f"{exc} (nothing was imported)")
    rows: dict[str, int] = details["rows"]
    skipped: dict[str, int] = details["skipped_identical"]
    click.echo(
        f"tessera import: {sum(rows.values())} rows imported"
        + (f", {sum(skipped.values())} identical rows already present" if merge else "")
        + f" in {time.perf_counter() - started:.1f}s (audit event {IMPORT_ACTION})"
    )
    for table, count in rows.items():
        click.echo(f"  {table}: {count}")
