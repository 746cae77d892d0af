"""``tessera team create|list|delete|restore|add-member|remove-member``."""

from __future__ import annotations

from typing import Any

import click

from tessera_dbt.cli._common import (
    act,
    dbt_options,
    echo_json,
    fetch,
    format_option,
    options_from,
    table,
)


@click.group("team")
def team_group() -> None:
    """Producer and consumer teams (tessera_teams)."""


@team_group.command("create")
@click.argument("name")
@click.option("--description", help="What the team does.")
@dbt_options
@format_option("text", "json")
def team_create(name: str, description: str | None, fmt: str, **kw: Any) -> None:
    """Create a team (run-operation tessera.create_team)."""
    act("create_team", {"name": name, "description": description}, options_from(kw), fmt)


@team_group.command("delete")
@click.argument("name")
@click.option("--reason", help="Why (kept in the audit log).")
# --reason says why an action happens, everywhere; the old name still works.
@click.option("--description", "old_reason", hidden=True)
@dbt_options
@format_option("text", "json")
def team_delete(name: str, reason: str | None, old_reason: str | None, fmt: str, **kw: Any) -> None:
    """Delete a team; `tessera team restore` undoes it (tessera.delete_team)."""
    args = {"name": name, "description": reason or old_reason}
    act("delete_team", args, options_from(kw), fmt)


@team_group.command("restore")
@click.argument("name")
@click.option("--description", help="A new description (default: keep the old one).")
@dbt_options
@format_option("text", "json")
def team_restore(name: str, description: str | None, fmt: str, **kw: Any) -> None:
    """Bring a deleted team back (tessera.restore_team)."""
    act("restore_team", {"name": name, "description": description}, options_from(kw), fmt)


@team_group.command("list")
@click.option("--all", "include_deleted", is_flag=True, help="Include deleted teams.")
@dbt_options
@format_option("text", "json")
def team_list(include_deleted: bool, fmt: str, **kw: Any) -> None:
    """Teams with their members, and how many assets they own and consume."""
    doc = fetch("list_teams", {"include_deleted": include_deleted or None}, options_from(kw), fmt)
    if fmt == "json":
        echo_json(doc)
        return
    rows = [
        [
            t["name"],
            t.get("description"),
            t.get("owns", 0),
            t.get("consumes", 0),
            [f"{m['principal']} ({m['role']})" for m in t.get("members", [])],
            "deleted" if t.get("deleted_at") else "active",
        ]
        for t in doc.get("teams", [])
    ]
    click.echo(
        table(["team", "description", "owns", "consumes", "members", "state"], rows, "no teams yet")
    )


@team_group.command("add-member")
@click.argument("team")
@click.argument("principal")
@click.option("--role", type=click.Choice(["member", "admin"]), default="member", show_default=True)
@dbt_options
@format_option("text", "json")
def team_add_member(team: str, principal: str, role: str, fmt: str, **kw: Any) -> None:
    """Add a warehouse user to a team, or change its role (tessera.add_team_member)."""
    args = {"team": team, "principal": principal, "role": role}
    act("add_team_member", args, options_from(kw), fmt)


@team_group.command("remove-member")
@click.argument("team")
@click.argument("principal")
@dbt_options
@format_option("text", "json")
def team_remove_member(team: str, principal: str, fmt: str, **kw: Any) -> None:
    """Remove a user from a team (tessera.remove_team_member)."""
    act("remove_team_member", {"team": team, "principal": principal}, options_from(kw), fmt)
