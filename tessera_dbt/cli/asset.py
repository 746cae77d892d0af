"""``tessera asset list|show|impact``: contracted models."""

from __future__ import annotations

from typing import Any

import click

from tessera_dbt.cli._common import (
    dbt_options,
    echo_json,
    fetch,
    format_option,
    options_from,
    relay,
    short_time,
    table,
)


@click.group("asset")
def asset_group() -> None:
    """Contracted models: owners, versions, consumers (tessera_assets)."""


@asset_group.command("list")
@dbt_options
@format_option("text", "json")
def asset_list(fmt: str, **kw: Any) -> None:
    """Every asset with its owner, latest version, consumers and open proposals."""
    doc = fetch("status", {}, options_from(kw), fmt)
    if fmt == "json":
        echo_json(doc)
        return
    rows = [
        [
            a.get("model"),
            a.get("owner_team"),
            a.get("compatibility"),
            a.get("latest_version") or "unpublished",
            sorted({c["team"] for c in a.get("consumers", [])}),
            [p["proposal_id"] for p in a.get("open_proposals", [])],
            "yes" if a.get("in_project", True) else "no (left the project)",
        ]
        for a in doc.get("assets", [])
    ]
    headers = [
        "model",
        "owner",
        "compatibility",
        "version",
        "consumers",
        "open proposals",
        "in project",
    ]
    click.echo(table(headers, rows, "no assets yet"))


@asset_group.command("show")
@click.argument("model")
@dbt_options
@format_option("text", "json")
def asset_show(model: str, fmt: str, **kw: Any) -> None:
    """One asset: versions, consumers and open proposals (tessera.status)."""
    doc = fetch("status", {"model": model}, options_from(kw), fmt)
    assets = doc.get("assets") or [{}]
    a = assets[0]
    if fmt == "json":
        echo_json(a)
        return
    click.echo(
        f"{a.get('asset_id')}  owner: {a.get('owner_team') or 'none'}  "
        f"compatibility: {a.get('compatibility') or 'unknown'}  "
        f"latest: {a.get('latest_version') or 'unpublished'}"
    )
    versions = [
        [
            v.get("version"),
            short_time(v.get("published_at")),
            v.get("published_by"),
            v.get("proposal_id"),
        ]
        for v in reversed(a.get("versions") or [])
    ]
    click.echo("\nversions:")
    click.echo(table(["version", "published", "by", "proposal"], versions, "none published"))
    consumers = [
        [
            c.get("team"),
            c.get("source"),
            c.get("columns") or "all",
            c.get("pinned_major"),
            c.get("note"),
        ]
        for c in a.get("consumers") or []
    ]
    click.echo("\nconsumers:")
    click.echo(table(["team", "source", "columns", "pinned major", "note"], consumers, "none"))
    proposals = [
        [
            p.get("proposal_id"),
            p.get("status"),
            p.get("base_version"),
            p.get("waiting_for"),
            p.get("blocked_by"),
        ]
        for p in a.get("open_proposals") or []
    ]
    click.echo("\nopen proposals:")
    click.echo(
        table(["proposal", "status", "base", "waiting for", "blocked by"], proposals, "none")
    )


@asset_group.command("impact")
@click.argument("model")
@dbt_options
@format_option("text", "json")
def asset_impact(model: str, fmt: str, **kw: Any) -> None:
    """Who is affected by the project's current change to MODEL (tessera.impact)."""
    relay("impact", {"model": model}, options_from(kw), fmt)
