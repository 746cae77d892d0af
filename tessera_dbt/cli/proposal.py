"""``tessera proposal list|show|acknowledge|deadline|withdraw|force``."""

from __future__ import annotations

from typing import Any

import click

from tessera_dbt.cli._common import (
    act,
    dbt_options,
    echo_json,
    fail,
    fetch,
    format_option,
    options_from,
    short_time,
    table,
)
from tessera_dbt.core import vocab

STATUSES = ["open", "all", *vocab.PROPOSAL_STATUSES]
OPEN = vocab.OPEN_STATUSES


@click.group("proposal")
def proposal_group() -> None:
    """Breaking changes waiting for their consumers (tessera_proposals)."""


@proposal_group.command("list")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default="open",
    show_default=True,
    help="open = pending, approved or rejected.",
)
@click.option("--team", help="Only proposals this team is affected by.")
@dbt_options
@format_option("text", "json")
def proposal_list(status: str, team: str | None, fmt: str, **kw: Any) -> None:
    """Proposals with the teams still owing an answer (tessera.list_proposals)."""
    doc = fetch("list_proposals", {"status": status, "team": team}, options_from(kw), fmt)
    if fmt == "json":
        echo_json(doc)
        return
    rows = [
        [
            p["proposal_id"],
            p.get("model_name") or p.get("asset_id"),
            p.get("status"),
            p.get("base_version"),
            p.get("next_version"),
            short_time(p.get("created_at")),
            p.get("deadline"),
            p.get("waiting_for") if p.get("status") in OPEN else closed_by(p),
            p.get("blocked_by"),
        ]
        for p in doc.get("proposals", [])
    ]
    headers = [
        "proposal",
        "model",
        "status",
        "base",
        "next",
        "created",
        "deadline",
        "waiting for / closed by",
        "blocked by",
    ]
    click.echo(table(headers, rows, f"no {'' if status == 'all' else status + ' '}proposals"))


@proposal_group.command("show")
@click.argument("proposal")
@dbt_options
@format_option("text", "json")
def proposal_show(proposal: str, fmt: str, **kw: Any) -> None:
    """One proposal: its changes, affected teams and their answers.

    PROPOSAL is a proposal id, or a model with exactly one open proposal.
    """
    doc = fetch("list_proposals", {"status": "all"}, options_from(kw), fmt)
    found = find_proposal(doc.get("proposals", []), proposal, fmt)
    if fmt == "json":
        echo_json(found)
        return
    click.echo(render_proposal(found))


def find_proposal(proposals: list[dict[str, Any]], key: str, fmt: str) -> dict[str, Any]:
    """The proposal with this id, else the one open proposal of the model named ``key``."""
    for p in proposals:
        if p.get("proposal_id") == key:
            return p
    of_model = [
        p
        for p in proposals
        if key in (p.get("model_name"), p.get("asset_id")) and p.get("status") in OPEN
    ]
    if len(of_model) == 1:
        return of_model[0]
    if of_model:
        ids = ", ".join(p["proposal_id"] for p in of_model)
        fail(f"model {key!r} has {len(of_model)} open proposals; name one of: {ids}", fmt)
    fail(f"no proposal {key!r} (see `tessera proposal list --status all`)", fmt)


def render_proposal(p: dict[str, Any]) -> str:
    """A proposal for people: header, changes, teams and what to run next."""
    lines = [
        f"proposal {p['proposal_id']}: {p.get('model_name') or ''} ({p.get('asset_id')})",
        f"status: {p.get('status')}   base {p.get('base_version') or '-'} -> "
        f"next {p.get('next_version') or '-'}   opened {short_time(p.get('created_at'))} "
        f"by {p.get('created_by') or 'unknown'}",
        "",
        "changes:",
    ]
    for ch in p.get("changes") or []:
        lines.append(f"  {ch.get('severity') or '':9} {ch.get('message')}")
    if p.get("deadline"):
        lines.insert(
            2,
            f"deadline: {p['deadline']} (past it, unless a team answers blocked, the change ships)",
        )
    if p.get("status") not in OPEN:
        lines.insert(2, f"closed: {closed_by(p)}")
    lines += ["", "teams:"]
    waiting = "(waiting)" if p.get("status") in OPEN else "(no answer)"
    rows = [
        [
            t["team"],
            (t.get("response") or waiting)
            + (f" until {t['migrating_until']}" if t.get("migrating_until") else ""),
            t.get("note"),
            t.get("reason"),
        ]
        for t in p.get("teams") or []
    ]
    lines.append(table(["team", "answer", "note", "reason"], rows, "  none affected"))
    if p.get("status") in OPEN:
        for team in p.get("waiting_for") or []:
            lines.append(
                f"\nto approve: tessera proposal acknowledge {p['proposal_id']} --team {team}"
            )
    return "\n".join(lines)


def closed_by(p: dict[str, Any]) -> str:
    """How a closed proposal closed: status, who, when and why (from tessera_proposals)."""
    status = str(p.get("status") or "")
    who = p.get("resolved_by") or "unknown"
    when = short_time(p.get("resolved_at") or p.get("updated_at"))
    why = p.get("resolution_note")
    return f"{status} by {who} at {when}" + (f": {why}" if why else "")


@proposal_group.command("acknowledge")
@click.argument("proposal")
@click.option("--team", required=True, help="The affected team that answers.")
@click.option(
    "--response",
    type=click.Choice(list(vocab.RESPONSES)),
    default="approved",
    show_default=True,
)
@click.option("--note", help="A word for the producer.")
@click.option(
    "--until", help="With --response migrating: the date (YYYY-MM-DD) you expect to move by."
)
@dbt_options
@format_option("text", "json")
def proposal_acknowledge(
    proposal: str,
    team: str,
    response: str,
    note: str | None,
    until: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """Answer a proposal for a team (tessera.acknowledge).

    PROPOSAL is a proposal id, or a model with exactly one open proposal.
    """
    args: dict[str, Any] = {
        "proposal_id": proposal,
        "team": team,
        "response": response,
        "note": note,
    }
    if until is not None:
        args["until"] = until
    act("acknowledge", args, options_from(kw), fmt)


@proposal_group.command("deadline")
@click.argument("proposal")
@click.argument("date")
@click.option("--reason", help="Why (kept in the audit log).")
@dbt_options
@format_option("text", "json")
def proposal_deadline(proposal: str, date: str, reason: str | None, fmt: str, **kw: Any) -> None:
    """The owner sets a proposal's deadline (tessera.set_deadline).

    DATE is YYYY-MM-DD, or `none` to remove it. Past the deadline, unless a team answered
    blocked, the next build ships the change (the proposal expires).
    """
    args = {"proposal_id": proposal, "deadline": date, "reason": reason}
    act("set_deadline", args, options_from(kw), fmt)


@proposal_group.command("withdraw")
@click.argument("proposal")
@click.option("--reason", help="Why (kept in the audit log).")
@dbt_options
@format_option("text", "json")
def proposal_withdraw(proposal: str, reason: str | None, fmt: str, **kw: Any) -> None:
    """The owner takes a proposal back (tessera.withdraw)."""
    act("withdraw", {"proposal_id": proposal, "reason": reason}, options_from(kw), fmt)


@proposal_group.command("force")
@click.argument("proposal")
@click.option("--reason", required=True, help="Why it must ship now (audited).")
@dbt_options
@format_option("text", "json")
def proposal_force(proposal: str, reason: str, fmt: str, **kw: Any) -> None:
    """An admin lets a breaking change ship without every answer (tessera.force)."""
    act("force", {"proposal_id": proposal, "reason": reason}, options_from(kw), fmt)
