"""``tessera diff OLD NEW``: judge two JSON Schemas or contract documents.

Exit codes: 0 compatible, 1 breaking, 2 error (one line on stderr; with ``--format json``
stdout still carries a JSON object with an ``error`` key).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from tessera_dbt.core.contract import GUARANTEE_MODES, MODES
from tessera_dbt.core.diff import diff_documents
from tessera_dbt.core.policy import Evaluation, base_mode, evaluate

EXIT_COMPATIBLE = 0
EXIT_BREAKING = 1
EXIT_ERROR = 2
FORMATS = ("text", "json")


class _Failure(Exception):
    """An input problem reported as one line."""


def _load(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _Failure(f"file not found: {path}") from None
    except IsADirectoryError:
        raise _Failure(f"not a file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Failure(f"cannot read {path}: {exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Failure(
            f"invalid JSON in {path}: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(doc, dict):
        raise _Failure(f"{path}: expected a JSON object (a JSON Schema or a contract document)")
    return doc


def strict_json(value: Any) -> Any:
    """A copy that strict JSON can hold: non-finite numbers (NaN, 1e999 read as infinity)
    become the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``; other non-JSON values
    become their text."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _fail(message: str, fmt: str) -> NoReturn:
    if fmt == "json":
        click.echo(json.dumps({"compatible": None, "error": message}))
    click.echo(f"tessera diff: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def render_text(result: Evaluation) -> str:
    """A verdict line, then one line per change (breaking ones marked)."""
    counts = {"breaking": 0, "warning": 0, "info": 0}
    for j in result.changes:
        counts[j.severity] = counts.get(j.severity, 0) + 1
    mode = result.mode
    if mode.endswith("_transitive"):
        mode = f"{mode}, one pair: {base_mode(mode)}"
    verdict = "BREAKING" if result.breaking else "COMPATIBLE"
    if not result.changes and not result.ignored:
        return f"{verdict} (mode {mode}): no changes"
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n)
    if result.ignored:
        summary += (", " if summary else "") + f"{len(result.ignored)} ignored"
    lines = [f"{verdict} (mode {mode}): {summary}; suggested bump: {result.bump}"]
    width = max((len(j.change.kind) for j in result.changes), default=0)
    marker = {"breaking": "x BREAKING", "warning": "! warning ", "info": "  info    "}
    rank = {"breaking": 0, "warning": 1, "info": 2}
    for j in sorted(result.changes, key=lambda j: rank.get(j.severity, 0)):
        lines.append(
            f"  {marker.get(j.severity, j.severity)}  {j.change.kind.ljust(width)}  "
            f"{j.change.message}  [{j.change.path or 'whole schema'}]"
        )
    return "\n".join(lines)


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--mode",
    default="backward",
    show_default=True,
    help=f"Compatibility mode: {', '.join(MODES)}.",
)
@click.option(
    "--guarantee-mode",
    default="notify",
    show_default=True,
    help=f"How relaxed guarantees count: {', '.join(GUARANTEE_MODES)}.",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    help="Output format: text or json.",
)
def diff_command(old: str, new: str, mode: str, guarantee_mode: str, fmt: str) -> None:
    """Compare two contracts (JSON Schema files or contract documents; '-' reads stdin).

    Exit 0 when NEW is compatible with OLD under MODE, 1 when it breaks, 2 on error.
    """
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}", "text")
    if mode not in MODES:
        _fail(f"unknown compatibility mode {mode!r}; allowed: {', '.join(MODES)}", fmt)
    if guarantee_mode not in GUARANTEE_MODES:
        _fail(
            f"unknown guarantee mode {guarantee_mode!r}; allowed: {', '.join(GUARANTEE_MODES)}",
            fmt,
        )
    try:
        old_doc = _load(old)
        new_doc = _load(new)
        result = evaluate(diff_documents(old_doc, new_doc), mode, guarantee_mode)
    except _Failure as exc:
        _fail(str(exc), fmt)
    except (TypeError, ValueError, RecursionError) as exc:
        _fail(f"cannot compare {old} and {new}: {exc}", fmt)
    if fmt == "json":
        click.echo(json.dumps(strict_json(result.to_dict()), indent=2, allow_nan=False))
    else:
        click.echo(render_text(result))
    sys.exit(EXIT_BREAKING if result.breaking else EXIT_COMPATIBLE)
