"""What the CLI's commands share: dbt's options, ``--format``, one-line errors, tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import click

from tessera_dbt.cli.dbt_runner import DbtError, DbtOptions, operation_json, run_operation

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2


class CliError(click.ClickException):
    """A problem reported as one line on stderr; the command exits 2."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # Remember which command failed: the group prints "tessera <command>: error: …".
        self.ctx = click.get_current_context(silent=True)


def dbt_options(func: F) -> F:
    """Add dbt's ``--project-dir``, ``--profiles-dir``, ``--target`` and ``--vars``."""
    options = [
        click.option(
            "--project-dir",
            type=click.Path(file_okay=False),
            help="The dbt project (default: DBT_PROJECT_DIR, else the current folder).",
        ),
        click.option(
            "--profiles-dir",
            type=click.Path(file_okay=False),
            help="Where profiles.yml is (default: DBT_PROFILES_DIR, the project, ~/.dbt).",
        ),
        click.option("--target", "-t", help="The profile target to use."),
        click.option("--vars", "dbt_vars", help="dbt variables, as YAML: '{key: value}'."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with the given choices (the first is the default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="Output for people (text) or for scripts (json).",
    )


def options_from(kwargs: Mapping[str, Any]) -> DbtOptions:
    """The dbt options a command received (see :func:`dbt_options`)."""
    return DbtOptions(
        project_dir=kwargs.get("project_dir"),
        profiles_dir=kwargs.get("profiles_dir"),
        target=kwargs.get("target"),
        vars=kwargs.get("dbt_vars"),
    )


def echo_json(document: Any) -> None:
    """Print one JSON document (indented, keys kept in their order)."""
    click.echo(json.dumps(document, indent=2, default=str))


def require_project(options: DbtOptions, fmt: str = "text") -> None:
    """Refuse early, in one clear line, when there is no dbt project to run in."""
    project = options.project_path
    if not (project / "dbt_project.yml").is_file():
        fail(f"no dbt_project.yml in {project}; run in a dbt project or pass --project-dir", fmt)


def fetch(
    operation: str, arguments: Mapping[str, Any], options: DbtOptions, fmt: str = "text"
) -> dict[str, Any]:
    """Run a read operation and return its JSON document; errors become CliError."""
    require_project(options, fmt)
    try:
        return operation_json(operation, arguments, options)
    except DbtError as exc:
        fail(str(exc), fmt)


def act(operation: str, arguments: Mapping[str, Any], options: DbtOptions, fmt: str) -> None:
    """Run a write operation and report what it logged (text) or ``{"ok": true, ...}``."""
    require_project(options, fmt)
    try:
        outcome = run_operation(operation, arguments, options)
    except DbtError as exc:
        fail(str(exc), fmt)
    messages = [m.removeprefix("tessera: ") for m in outcome.logged]
    if fmt == "json":
        echo_json({"ok": True, "operation": f"tessera.{operation}", "messages": messages})
    else:
        for message in messages:
            click.echo(message)


def fail(message: str, fmt: str = "text") -> NoReturn:
    """Stop with one line on stderr (and ``{"error": ...}`` on stdout for ``--format json``)."""
    if fmt == "json":
        echo_json({"ok": False, "error": message})
    raise CliError(message)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "(none)") -> str:
    """A plain-text table: columns padded to their widest cell, cells cut at 60 characters."""
    if not rows:
        return empty
    cells = [[_cell(v) for v in row] for row in [list(headers), *rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    out = []
    for n, line in enumerate(cells):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths).rstrip())
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def short_time(value: Any) -> str:
    """An ISO timestamp cut to the minute (``2026-01-31 12:34``)."""
    return str(value or "")[:16].replace("T", " ")


def relay(operation: str, arguments: Mapping[str, Any], options: DbtOptions, fmt: str) -> None:
    """Run an operation and pass on what it says: its JSON document, or its log lines."""
    if fmt == "json":
        echo_json(fetch(operation, arguments, options, fmt))
        return
    require_project(options, fmt)
    try:
        outcome = run_operation(operation, arguments, options)
    except DbtError as exc:
        fail(str(exc), fmt)
    for message in outcome.logged:
        click.echo(message.removeprefix("tessera: "))
