"""``tessera register`` / ``tessera unregister``: consumer registrations."""

from __future__ import annotations

from typing import Any

import click

from tessera_dbt.cli._common import act, dbt_options, format_option, options_from


def _columns(values: tuple[str, ...]) -> list[str] | None:
    """``--columns a,b --columns c`` -> ``[a, b, c]`` (None when not given)."""
    out = [c.strip() for value in values for c in value.split(",") if c.strip()]
    return out or None


@click.command("register")
@click.argument("model")
@click.option("--team", required=True, help="The consuming team.")
@click.option(
    "--columns",
    multiple=True,
    help="Columns the team reads, comma-separated (default: all; only changes to these "
    "columns then need the team's answer).",
)
@click.option("--pinned-major", type=click.IntRange(min=1), help="Pin a major version.")
@click.option(
    "--model-version",
    help="On a versioned model: pin this dbt version (default: follow its latest_version).",
)
@click.option("--note", help="Why the team depends on the model.")
@dbt_options
@format_option("text", "json")
def register_command(
    model: str,
    team: str,
    columns: tuple[str, ...],
    pinned_major: int | None,
    model_version: str | None,
    note: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """Register TEAM as a consumer of MODEL (tessera.register_consumer).

    MODEL may be an upstream asset the registry knows (unique_id or project.model).
    """
    args: dict[str, Any] = {
        "model": model,
        "team": team,
        "columns": _columns(columns),
        "pinned_major": pinned_major,
        "note": note,
    }
    if model_version is not None:
        args["version"] = model_version
    act("register_consumer", args, options_from(kw), fmt)


@click.command("unregister")
@click.argument("model")
@click.option("--team", required=True, help="The consuming team.")
@click.option("--reason", help="Why (kept in the audit log).")
# --reason says why an action happens, everywhere; the old name still works.
@click.option("--note", "old_reason", hidden=True)
@dbt_options
@format_option("text", "json")
def unregister_command(
    model: str, team: str, reason: str | None, old_reason: str | None, fmt: str, **kw: Any
) -> None:
    """End TEAM's manual registration on MODEL (tessera.unregister_consumer)."""
    args = {"model": model, "team": team, "note": reason or old_reason}
    act("unregister_consumer", args, options_from(kw), fmt)
