"""``tessera report [--output DIR] [--serve]``: the registry as a static HTML site.

The CLI reads the registry through ``tessera.export_registry`` (keeping only the rows the
report shows) and writes the pages :func:`tessera_dbt.core.report.render_site` renders.
``--serve`` then serves the folder on 127.0.0.1 only, for a local look.
"""

from __future__ import annotations

import functools
import http.server
import time
from pathlib import Path
from typing import Any

import click

from tessera_dbt.cli._common import dbt_options, options_from, require_project
from tessera_dbt.cli.transfer import read_tables
from tessera_dbt.core.report import render_site, wanted
from tessera_dbt.core.transfer import TableSpec, now_iso


def write_report(site: dict[str, str], output: Path) -> None:
    """Write every page under ``output`` (folders as needed; other files are left alone)."""
    for relative, text in site.items():
        path = output / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _keep(table: str, row: list[Any], spec: TableSpec) -> bool:
    return wanted(table, dict(zip(spec.columns, row, strict=True)))


@click.command("report")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("tessera-report"),
    show_default=True,
    help="The folder to write the site to (index.html and one page per model and team).",
)
@click.option("--serve", is_flag=True, help="Then serve the folder on http://127.0.0.1:PORT/.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@dbt_options
def report_command(output: Path, serve: bool, port: int, **kw: Any) -> None:
    """Write a static HTML site of the registry: assets, history, teams, open proposals."""
    options = options_from(kw)
    require_project(options)
    started = time.perf_counter()
    stream, tables = read_tables(options, _keep)
    read = time.perf_counter() - started
    registry = f"{stream.source.get('database')}.{stream.source.get('schema')}"
    site = render_site(tables, now_iso(), registry)
    write_report(site, output)
    total = time.perf_counter() - started
    click.echo(
        f"tessera report: wrote {len(site)} pages to {output / 'index.html'} in {total:.1f}s "
        f"(reading the registry {read:.1f}s)"
    )
    if serve:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
        # Loopback only: the report shows the whole registry to whoever can reach the port.
        with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
            host, bound = server.server_address[:2]
            click.echo(f"tessera report: serving http://{host!s}:{bound}/ (Ctrl-C to stop)")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                click.echo("tessera report: stopped")
