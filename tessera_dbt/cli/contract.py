"""``tessera contract list|show|diff|history``: published contract versions."""

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


@click.group("contract")
def contract_group() -> None:
    """Published contracts (tessera_contracts)."""


@contract_group.command("list")
@dbt_options
@format_option("text", "json")
def contract_list(fmt: str, **kw: Any) -> None:
    """The latest published version of every asset (tessera.status)."""
    doc = fetch("status", {}, options_from(kw), fmt)
    contracts = [
        {
            "asset_id": a.get("asset_id"),
            "model": a.get("model"),
            "owner_team": a.get("owner_team"),
            "compatibility": a.get("compatibility"),
            "latest_version": a.get("latest_version"),
            "published_at": a.get("published_at"),
        }
        for a in doc.get("assets", [])
    ]
    if fmt == "json":
        echo_json({"registry": doc.get("registry"), "contracts": contracts})
        return
    rows = [
        [
            c["model"],
            c["latest_version"] or "unpublished",
            short_time(c["published_at"]),
            c["owner_team"],
            c["compatibility"],
        ]
        for c in contracts
    ]
    click.echo(
        table(["model", "version", "published", "owner", "compatibility"], rows, "no assets yet")
    )


@contract_group.command("show")
@click.argument("model")
@click.option("--version", "version", help="A published version (default: the latest).")
@dbt_options
@format_option("text", "json")
def contract_show(model: str, version: str | None, fmt: str, **kw: Any) -> None:
    """One published contract: columns, guarantees, who published it (tessera.show_contract)."""
    doc = fetch("show_contract", {"model": model, "version": version}, options_from(kw), fmt)
    if fmt == "json":
        echo_json(doc)
        return
    schema = doc.get("schema") or {}
    required = set(schema.get("required") or [])
    props = schema.get("properties") or {}
    # The contract's column order (the JSON text has sorted keys).
    order = [c for c in schema.get("x-tessera-column-order") or [] if c in props]
    order += [c for c in props if c not in order]
    rows = [
        [
            name,
            prop.get("x-dbt-data-type") or prop.get("type"),
            "not null" if name in required else "",
            prop.get("enum"),
        ]
        for name, prop in ((c, props[c]) for c in order)
    ]
    head = (
        f"{doc.get('asset_id')} version {doc.get('version')} (latest {doc.get('latest_version')})"
        f", published {short_time(doc.get('published_at'))} by {doc.get('published_by')}"
    )
    guarantees = sorted((doc.get("guarantees") or {}).keys())
    click.echo(head)
    click.echo(table(["column", "type", "required", "values"], rows))
    click.echo(f"guarantees: {', '.join(guarantees) or 'none'}")


@contract_group.command("history")
@click.argument("model")
@dbt_options
@format_option("text", "json")
def contract_history(model: str, fmt: str, **kw: Any) -> None:
    """Every published version of MODEL with what changed (tessera.contract_history)."""
    doc = fetch("contract_history", {"model": model}, options_from(kw), fmt)
    if fmt == "json":
        echo_json(doc)
        return
    rows = [
        [
            v.get("version"),
            v.get("bump"),
            short_time(v.get("published_at")),
            v.get("published_by"),
            v.get("proposal_id"),
            "; ".join(str(c.get("message")) for c in v.get("changes") or []),
        ]
        for v in doc.get("versions", [])
    ]
    click.echo(f"{doc.get('asset_id')}:")
    headers = ["version", "bump", "published", "by", "proposal", "changes"]
    click.echo(table(headers, rows, "no published version yet"))


@contract_group.command("diff")
@click.argument("model")
@click.option("--from-version", help="Default: the latest published version.")
@click.option("--to-version", help="Default: the model as the project defines it now.")
@dbt_options
@format_option("text", "json")
def contract_diff(
    model: str, from_version: str | None, to_version: str | None, fmt: str, **kw: Any
) -> None:
    """What changed between two versions of MODEL (tessera.diff).

    For two contract files, use `tessera diff OLD NEW`.
    """
    args = {"model": model, "from_version": from_version, "to_version": to_version}
    relay("diff", args, options_from(kw), fmt)
