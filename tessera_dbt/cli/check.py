"""``tessera check``: the gate's evaluation without side effects, for CI.

Runs ``dbt parse`` in this process with ``TESSERA_CHECK_ONLY=1``: the plugin evaluates every
contracted model against the registry exactly as a build would, writes
``target/tessera_check.json`` and nothing else (no proposal, no check row, no publish).
This command reads that report and prints it as text, JSON, a pull-request comment
(markdown) or GitHub annotations. Exit 0 pass, 1 blocked, 2 error.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import click
import yaml

from tessera_dbt.cli._common import (
    EXIT_BLOCKED,
    EXIT_OK,
    dbt_options,
    echo_json,
    fail,
    options_from,
    require_project,
)
from tessera_dbt.cli.dbt_runner import MISSING_PACKAGE, DbtOptions, invoke, one_line
from tessera_dbt.core import vocab

CHECK_ONLY_ENV = "TESSERA_CHECK_ONLY"
ARTIFACT = "tessera_check.json"
# The first line of the markdown comment: the GitHub Action finds its comment by it.
COMMENT_MARKER = "<!-- tessera-check -->"
FORMATS = ("text", "json", "markdown", "github")
VERDICT_LABELS = {
    "blocked": "❌ blocked",
    "new": "🆕 first contract",
    "compatible": "✅ compatible",
    "approved": "✅ approved by its consumers",
    "auto_approved": "✅ breaking, no consumer affected",
    "forced": "⚠️ forced by an admin",
    "removed": "❌ removed",
    "retired": "✅ retired (past its deprecation date)",
    "drift": "⚠️ drift: the relation differs from its published contract",
}
MAX_CHANGES = 6


@click.command("check")
@dbt_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for scripts, markdown for a pull-request comment, "
    "github for ::error annotations.",
)
def check_command(fmt: str, **kw: Any) -> None:
    """Evaluate the project against the registry without writing anything (for CI).

    Exit 0 when every change may ship, 1 when a breaking change waits for its consumers,
    2 on an error.
    """
    options = options_from(kw)
    report = run_check(options, fmt)
    if fmt == "json":
        echo_json(report)
    elif fmt == "markdown":
        click.echo(render_markdown(report))
    elif fmt == "github":
        click.echo(render_github(report, options.project_path))
    else:
        click.echo(render_text(report))
    sys.exit(EXIT_OK if report.get("passed") else EXIT_BLOCKED)


def target_path(project: Path) -> Path:
    """Where dbt writes artifacts: DBT_TARGET_PATH, else ``target-path``, else ``target``."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if not configured:
        try:
            data = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("target-path"), str):
            configured = data["target-path"]
    path = Path(configured or "target")
    return path if path.is_absolute() else project / path


def run_check(options: DbtOptions, fmt: str = "text") -> dict[str, Any]:
    """Run ``dbt parse`` in check-only mode and return the plugin's report (without the
    plugin: the same evaluation of manifest.json, read only)."""
    require_project(options, fmt)
    if importlib.util.find_spec("dbt_tessera") is None:
        # No plugin (dbt v2, or not installed here): the same evaluation on manifest.json.
        return _check_manifest(options, fmt)
    project = options.project_path
    artifact = target_path(project) / ARTIFACT
    artifact.unlink(missing_ok=True)
    # --write-json: the plugin's hook only runs when dbt writes its artifacts.
    outcome = invoke(["parse", "--write-json"], options, env={CHECK_ONLY_ENV: "1"})
    if not outcome.success:
        fail(outcome.error_line(), fmt)
    if not artifact.is_file():
        # The plugin did not run (dbt without Python plugins): evaluate manifest.json here.
        return _check_manifest(options, fmt)
    report: dict[str, Any] = json.loads(artifact.read_text(encoding="utf-8"))
    expected = getattr(getattr(outcome.result, "metadata", None), "invocation_id", None)
    if expected and report.get("invocation_id") not in (None, expected):
        fail(f"{artifact} was not written by this check (stale report)", fmt)
    if report.get("error"):
        fail(one_line(str(report["error"])), fmt)
    return report


def _check_manifest(options: DbtOptions, fmt: str) -> dict[str, Any]:
    from tessera_dbt.cli.gated import evaluate  # gated imports this module

    try:
        report, _manifest = evaluate(
            options, "parse", str(uuid.uuid4()), check_only=True, log=_quiet
        )
    except Exception as exc:  # dbt failed, or the registry cannot be read
        fail(one_line(str(exc)), fmt)
    if report is None or not isinstance(report.get("decisions"), list):
        fail(
            "Tessera did not evaluate the project. "
            + MISSING_PACKAGE
            + (f" ({report['error']})" if report and report.get("error") else ""),
            fmt,
        )
    if report.get("error"):
        fail(one_line(str(report["error"])), fmt)
    return report


def _quiet(level: str, message: str) -> None:
    if level == "warn":
        click.echo(f"Warning: {message}", err=True)


# -- rendering ----------------------------------------------------------------------------
def changed(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Decisions worth showing: every model whose contract differs from the registry."""
    return [d for d in report.get("decisions", []) if d.get("verdict") != "unchanged"]


def _ordered_changes(decision: dict[str, Any]) -> list[dict[str, Any]]:
    rank = {"breaking": 0, "warning": 1}
    changes = list(decision.get("changes") or [])
    return sorted(changes, key=lambda c: rank.get(_severity(c), 2))


def _severity(change: dict[str, Any]) -> str:
    if change.get("breaking"):
        return "breaking"
    return str(change.get("severity") or "info")


def _versions(d: dict[str, Any]) -> str:
    base, nxt = d.get("base_version"), d.get("next_version")
    if base and nxt:
        return f"{base} → {nxt}"
    return str(nxt or base or "")


def _is_new_proposal(report: dict[str, Any], d: dict[str, Any]) -> bool:
    return bool(d.get("proposal_id")) and d.get("proposal_id") in (
        report.get("new_proposals") or []
    )


def _headline(report: dict[str, Any]) -> str:
    decisions = report.get("decisions", [])
    blocked = [d for d in decisions if d.get("verdict") == vocab.BLOCKED]
    if blocked:
        return (
            f"blocked: {len(blocked)} of {len(decisions)} contracted model(s) have breaking "
            "changes that affected consumers have not acknowledged"
        )
    return f"passed: {len(changed(report))} of {len(decisions)} contracted model(s) changed"


def render_text(report: dict[str, Any]) -> str:
    """A summary line, one line per changed model, then the gate's full messages."""
    lines = [f"Tessera check {_headline(report)} (registry {report.get('registry')})"]
    for d in changed(report):
        changes = _ordered_changes(d)
        first = changes[0]["message"] if changes else ""
        if not changes and d.get("drift"):
            changes = [{"message": m} for m in d["drift"]]
            first = changes[0]["message"]
        more = f" (+{len(changes) - 1} more)" if len(changes) > 1 else ""
        lines.append(
            f"  {d.get('model')}: {d.get('verdict')} {_versions(d)}  {first}{more}".rstrip()
        )
    for d in report.get("decisions", []):
        if d.get("verdict") == vocab.BLOCKED and d.get("message"):
            lines += ["", str(d["message"])]
            if _is_new_proposal(report, d):
                lines.append(
                    f"  (proposal {d['proposal_id']} opens at the first `dbt build` that tries "
                    "to ship this change; then the teams answer it)"
                )
    lines.extend(render_owed_text(report.get("owed") or []))
    return "\n".join(lines)


def render_owed_text(owed: list[dict[str, Any]]) -> list[str]:
    """What this project's teams owe on upstream proposals (nothing when nothing is owed)."""
    if not owed:
        return []
    lines = ["", f"this project's teams owe {len(owed)} answer(s) on models it reads:"]
    for o in owed:
        lines.append(f"  proposal {o['proposal_id']} on {o['asset_id']} (team {o['team']}):")
        lines.extend(f"    - {change}" for change in o.get("changes") or [])
        for r in o.get("readers") or []:
            cols = r.get("columns")
            what = "all columns" if cols is None else (", ".join(cols) or "none of them")
            lines.append(f"    read by {r['model']} (changed columns it reads: {what})")
        lines.append(f"    answer: {o['command']}")
    return lines


def _md(text: Any) -> str:
    """A markdown table cell: pipes escaped, newlines as <br>."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", "<br>")


def render_markdown(report: dict[str, Any]) -> str:
    """A ready pull-request comment: one table row per changed model."""
    rows = changed(report)
    blocked = [d for d in rows if d.get("verdict") == vocab.BLOCKED]
    icon = "❌" if blocked else "✅"
    lines = [COMMENT_MARKER, f"### {icon} Tessera contract check {_headline(report)}", ""]
    if not rows:
        lines.append("No contracted model changed.")
        return "\n".join(lines)
    lines += [
        "| Model | Change | Verdict | Waiting for | Proposal |",
        "|---|---|---|---|---|",
    ]
    for d in rows:
        changes = _ordered_changes(d)
        shown = [f"**{_severity(c)}**: {c.get('message')}" for c in changes[:MAX_CHANGES]]
        if len(changes) > MAX_CHANGES:
            shown.append(f"… and {len(changes) - MAX_CHANGES} more")
        if not changes and d.get("verdict") == "new":
            shown = ["first contract"]
        verdict = VERDICT_LABELS.get(str(d.get("verdict")), str(d.get("verdict")))
        version = _versions(d)
        proposal = f"`{d['proposal_id']}`" if d.get("proposal_id") else ""
        if proposal and _is_new_proposal(report, d):
            proposal += " (opens at the next build)"
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{_md(d.get('model'))}`",
                    _md("<br>".join(shown)),
                    _md(f"{verdict} ({version})" if version else verdict),
                    _md(", ".join(d.get("pending_teams") or [])),
                    _md(proposal),
                ]
            )
            + " |"
        )
    if blocked:
        opening = any(_is_new_proposal(report, d) for d in blocked)
        lines += [
            "",
            ("Once the next `dbt build` has opened the proposal, each" if opening else "Each")
            + " team above answers it (or the owner withdraws the change):",
        ]
        lines.append("```sh")
        for d in blocked:
            for team in d.get("pending_teams") or []:
                lines.append(
                    f"tessera proposal acknowledge {d.get('proposal_id')} --team {team} "
                    "--response approved"
                )
        lines.append("```")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _file_for(d: dict[str, Any], project: Path) -> str | None:
    raw = d.get("file_path")
    if not raw:
        return None
    rel = re.sub(r"^[^:/]+://", "", str(raw))
    path = project / rel
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:  # another drive on Windows
        return str(path)


def render_github(report: dict[str, Any], project: Path) -> str:
    """GitHub workflow commands: ``::error`` per blocked model at its yml file, warnings."""
    lines: list[str] = []
    for d in changed(report):
        verdict = d.get("verdict")
        changes = _ordered_changes(d)
        if verdict in vocab.REFUSED_VERDICTS:
            level = "error"
            title = f"Tessera: {d.get('model')} is blocked"
            body = "; ".join(c["message"] for c in changes if c.get("breaking"))
            if d.get("pending_teams"):
                body += f". Waiting for: {', '.join(d['pending_teams'])}"
            if d.get("proposal_id"):
                body += f" (proposal {d['proposal_id']})"
        elif any(_severity(c) == "warning" for c in changes):
            level = "warning"
            title = f"Tessera: {d.get('model')} relaxes a guarantee"
            body = "; ".join(c["message"] for c in changes if _severity(c) == "warning")
        else:
            continue
        props = [f"title={_escape_property(title)}"]
        file = _file_for(d, project)
        if file:
            props.insert(0, f"file={_escape_property(file)}")
        lines.append(f"::{level} {','.join(props)}::{_escape_data(body)}")
    lines.append(f"Tessera check {_headline(report)}")
    return "\n".join(lines)
