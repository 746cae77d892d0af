"""The registry as a static HTML site (``tessera report``): pure rendering, no dbt, no I/O.

:func:`render_site` takes the registry's rows (the tables of an export document, each row a
dict) and returns ``{relative path: HTML}``: an index of assets (grouped by owner, in pages),
one page per model (its contract history as a timeline, each version's differences from the
one before in plain words, judged under the model's mode), one page per team (what it owns,
consumes and owes) and the open proposals with the exact commands that answer them.

Every value from the registry is escaped (``html.escape``); styles are inline; no script, no
font, no image and no link leaves the site, so it reads the same offline and in a browser
with JavaScript disabled.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.core import vocab
from tessera_dbt.core.diff import diff_contracts
from tessera_dbt.core.policy import evaluate

Rows = Sequence[Mapping[str, Any]]

#: Assets per page of the index (the index stays small whatever the registry holds).
ASSETS_PER_PAGE = 100
OPEN: tuple[str, ...] = vocab.OPEN_STATUSES
ANSWERS: tuple[str, ...] = vocab.RESPONSES
DRIFT_ACTION = "drift_detected"

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f5f7fa; --card:#fff;
  --accent:#2f6fdb; --bad:#c62828; --warn:#b26a00; --ok:#2e7d32; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  color:var(--ink); background:var(--bg); }
header.top { background:#102a43; color:#fff; padding:14px 28px; display:flex; gap:24px;
  align-items:baseline; flex-wrap:wrap; }
header.top .brand { font-weight:700; font-size:18px; letter-spacing:.5px; }
header.top a { color:#d9e2ec; text-decoration:none; }
header.top a:hover { color:#fff; text-decoration:underline; }
main { max-width:1180px; margin:0 auto; padding:22px 28px 48px; }
h1 { font-size:26px; margin:6px 0 4px; word-break:break-word; }
h2 { font-size:19px; margin:28px 0 10px; }
h3 { font-size:16px; margin:18px 0 6px; }
.sub { color:var(--muted); margin:0 0 14px; }
a { color:var(--accent); }
.cards { display:flex; gap:14px; flex-wrap:wrap; margin:14px 0 6px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 16px;
  min-width:150px; }
.card .n { font-size:24px; font-weight:700; }
.card .l { color:var(--muted); font-size:13px; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line);
  border-radius:8px; overflow:hidden; margin:6px 0 12px; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top;
  word-break:break-word; }
th { background:#f0f4f8; font-size:13px; color:var(--muted); font-weight:600; }
tr:last-child td { border-bottom:none; }
code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px; }
pre.cmd { background:#102a43; color:#f0f4f8; padding:8px 12px; border-radius:6px; margin:4px 0;
  white-space:pre-wrap; word-break:break-all; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600;
  background:#e4e7eb; color:var(--ink); white-space:nowrap; }
.badge.breaking, .badge.rejected, .badge.blocked, .badge.drift { background:#fde2e1; color:var(--bad); }
.badge.warning, .badge.pending, .badge.migrating { background:#fff3d6; color:var(--warn); }
.badge.info, .badge.approved, .badge.published, .badge.ok { background:#e3f4e6; color:var(--ok); }
.badge.major { background:#fde2e1; color:var(--bad); }
.badge.minor { background:#e0ecff; color:var(--accent); }
.timeline { list-style:none; margin:8px 0; padding:0 0 0 18px; border-left:3px solid var(--line); }
.timeline > li { position:relative; margin:0 0 16px; padding:10px 14px; background:var(--card);
  border:1px solid var(--line); border-radius:8px; }
.timeline > li::before { content:""; position:absolute; left:-27px; top:14px; width:13px; height:13px;
  border-radius:50%; background:var(--accent); border:3px solid var(--bg); }
.timeline .v { font-weight:700; font-size:16px; }
.timeline ul { margin:6px 0 0; padding-left:20px; }
.muted { color:var(--muted); }
.notice { background:#fde2e1; border:1px solid #f5b5b1; color:#7f1d1d; padding:10px 14px;
  border-radius:8px; margin:12px 0; }
.pager { margin:10px 0; display:flex; gap:8px; flex-wrap:wrap; }
.pager a, .pager span { padding:3px 10px; border:1px solid var(--line); border-radius:6px;
  background:var(--card); text-decoration:none; }
.pager span.here { background:var(--accent); color:#fff; border-color:var(--accent); }
footer { color:var(--muted); font-size:12px; margin-top:36px; }
"""


def esc(value: Any) -> str:
    """Text for HTML (``None`` is an empty string)."""
    return html.escape("" if value is None else str(value), quote=True)


def slug(text: str) -> str:
    """A file name for any text: readable part plus a digest (distinct texts, distinct names)."""
    readable = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-.")[:48] or "x"
    return f"{readable}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def loads_json(text: Any, default: Any) -> Any:
    """A stored JSON text column as a value (``default`` when empty or not JSON)."""
    if not isinstance(text, str) or not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def version_key(version: Any) -> tuple[int, ...]:
    """A ``MAJOR.MINOR.PATCH`` text as a sortable tuple (unparsable versions sort first)."""
    try:
        return tuple(int(p) for p in str(version).split("."))
    except ValueError:
        return (-1,)


def _time(value: Any) -> str:
    """``2026-01-31T12:34:56.000000Z`` as ``2026-01-31 12:34 UTC``."""
    text = str(value or "")
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text


@dataclass
class Proposal:
    """An open proposal with its affected teams' latest answers."""

    row: Mapping[str, Any]
    teams: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.row.get("proposal_id"))

    @property
    def waiting_for(self) -> list[str]:
        return [t for t, answer, _ in self.teams if answer not in ANSWERS]

    @property
    def blocked_by(self) -> list[str]:
        return [t for t, answer, _ in self.teams if answer == "blocked"]


@dataclass
class Asset:
    """An asset with everything its pages show."""

    row: Mapping[str, Any]
    versions: list[Mapping[str, Any]] = field(default_factory=list)
    consumers: list[Mapping[str, Any]] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    drift: Mapping[str, Any] | None = None

    @property
    def id(self) -> str:
        return str(self.row.get("asset_id"))

    @property
    def name(self) -> str:
        name = str(self.row.get("model_name") or self.id)
        version = self.row.get("model_version")
        return f"{name}.v{version}" if version not in (None, "") else name

    @property
    def owner(self) -> str:
        return str(self.row.get("owner_team") or "")

    @property
    def latest(self) -> Mapping[str, Any] | None:
        return self.versions[-1] if self.versions else None

    @property
    def href(self) -> str:
        return f"models/{slug(self.id)}.html"


class Registry:
    """The registry's rows, indexed for the pages."""

    def __init__(self, tables: Mapping[str, Rows]) -> None:
        def rows(name: str) -> Rows:
            return tables.get(name) or []

        self.assets: dict[str, Asset] = {}
        for row in rows("tessera_assets"):
            if row.get("deleted_at") is None:
                self.assets[str(row["asset_id"])] = Asset(row)
        for row in rows("tessera_contracts"):
            asset = self.assets.get(str(row.get("asset_id")))
            if asset is not None:
                asset.versions.append(row)
        for asset in self.assets.values():
            asset.versions.sort(key=lambda r: version_key(r.get("version")))
        for row in rows("tessera_registrations"):
            asset = self.assets.get(str(row.get("asset_id")))
            if asset is not None and row.get("deleted_at") is None:
                asset.consumers.append(row)
        teams_of: dict[str, list[str]] = {}
        for row in rows("tessera_proposal_teams"):
            teams_of.setdefault(str(row.get("proposal_id")), []).append(str(row.get("team")))
        latest: dict[tuple[str, str], Mapping[str, Any]] = {}
        for row in sorted(
            rows("tessera_acknowledgements"),
            key=lambda r: (str(r.get("acknowledged_at") or ""), str(r.get("ack_id") or "")),
        ):
            latest[(str(row.get("proposal_id")), str(row.get("team")))] = row
        self.proposals: list[Proposal] = []
        for row in sorted(rows("tessera_proposals"), key=lambda r: str(r.get("created_at") or "")):
            if row.get("status") not in OPEN:
                continue
            proposal = Proposal(row)
            for team in sorted(teams_of.get(proposal.id, [])):
                answer = latest.get((proposal.id, team))
                proposal.teams.append(
                    (
                        team,
                        str(answer.get("response")) if answer else None,
                        str(answer.get("note")) if answer and answer.get("note") else None,
                    )
                )
            self.proposals.append(proposal)
            asset = self.assets.get(str(row.get("asset_id")))
            if asset is not None:
                asset.proposals.append(proposal)
        for row in rows("tessera_audit_log"):
            if row.get("action") == DRIFT_ACTION:
                asset = self.assets.get(str(row.get("entity_id")))
                if asset is not None and (
                    asset.drift is None
                    or str(row.get("occurred_at")) > str(asset.drift.get("occurred_at"))
                ):
                    asset.drift = row
        self.teams: dict[str, Mapping[str, Any]] = {
            str(r["name"]): r for r in rows("tessera_teams") if r.get("deleted_at") is None
        }
        self.members: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows("tessera_team_members"):
            if row.get("deleted_at") is None:
                self.members.setdefault(str(row.get("team")), []).append(row)
        # Teams named anywhere (an owner or consumer need not have a tessera_teams row).
        for asset in self.assets.values():
            for name in [asset.owner, *(str(c.get("team")) for c in asset.consumers)]:
                if name and name not in self.teams:
                    self.teams[name] = {"name": name}
        for proposal in self.proposals:
            for name, _, _ in proposal.teams:
                self.teams.setdefault(name, {"name": name})

    def ordered_assets(self) -> list[Asset]:
        """Assets grouped by owner team, then by name."""
        return sorted(self.assets.values(), key=lambda a: (a.owner, a.name, a.id))


def team_href(name: str) -> str:
    """The page of a team."""
    return f"teams/{slug(name)}.html"


# -- commands --------------------------------------------------------------------------------
def acknowledge_commands(proposal_id: str, team: str) -> list[str]:
    """The two ways to answer a proposal for a team (shell-quoted, ready to paste)."""
    cli = (
        f"tessera proposal acknowledge {shlex.quote(proposal_id)} --team {shlex.quote(team)} "
        "--response approved"
    )
    args = (
        f"{{proposal_id: {json.dumps(proposal_id, ensure_ascii=False)}, "
        f"team: {json.dumps(team, ensure_ascii=False)}, response: approved}}"
    )
    return [cli, f"dbt run-operation tessera.acknowledge --args {shlex.quote(args)}"]


# -- page parts ------------------------------------------------------------------------------
def _page(title: str, body: str, depth: int, generated_at: str, registry: str) -> str:
    up = "../" * depth
    nav = (
        f'<a href="{up}index.html">Assets</a><a href="{up}teams.html">Teams</a>'
        f'<a href="{up}proposals.html">Open proposals</a>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · Tessera</title><style>{CSS}</style></head><body>"
        f'<header class="top"><span class="brand">Tessera</span>{nav}'
        f'<span class="muted">{esc(registry)}</span></header>'
        f"<main>{body}<footer>Generated {esc(_time(generated_at))} from {esc(registry)} by "
        "<code>tessera report</code>. Static page: no script, no network.</footer></main>"
        "</body></html>\n"
    )


def _badge(text: Any, kind: str | None = None) -> str:
    css = re.sub(r"[^a-z_-]", "", str(kind if kind is not None else text).lower())
    return f'<span class="badge {css}">{esc(text)}</span>'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="muted">{esc(empty)}</p>'
    if not any(headers):
        return f"<table><tbody>{body}</tbody></table>"
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _team_link(name: str, up: str) -> str:
    return (
        f'<a href="{up}{team_href(name)}">{esc(name)}</a>'
        if name
        else '<span class="muted">none</span>'
    )


def _asset_link(asset: Asset, up: str) -> str:
    return f'<a href="{up}{asset.href}">{esc(asset.name)}</a>'


def _proposal_block(p: Proposal, registry: Registry, up: str, show_model: bool) -> str:
    asset = registry.assets.get(str(p.row.get("asset_id")))
    title = f"<h3>{esc(p.id)} {_badge(p.row.get('status'))}"
    if show_model:
        title += " · " + (_asset_link(asset, up) if asset else esc(p.row.get("asset_id")))
    title += "</h3>"
    meta = (
        f'<p class="sub">{esc(p.row.get("base_version") or "?")} → '
        f"{esc(p.row.get('next_version') or '?')}, opened {esc(_time(p.row.get('created_at')))}"
        f" by {esc(p.row.get('created_by') or 'unknown')}</p>"
    )
    changes = loads_json(p.row.get("changes_json"), [])
    items = "".join(
        f"<li>{esc(c.get('message') if isinstance(c, dict) else c)}</li>" for c in changes
    )
    change_list = f"<ul>{items}</ul>" if items else ""
    rows = []
    for team, answer, note in p.teams:
        cell = _badge(answer) if answer else _badge("waiting", "pending")
        rows.append([_team_link(team, up), cell, esc(note or "")])
    teams = _table(["team", "answer", "note"], rows, "No affected team.")
    commands = ""
    for team in p.waiting_for:
        cmds = "".join(f'<pre class="cmd">{esc(c)}</pre>' for c in acknowledge_commands(p.id, team))
        commands += f"<p>To approve as {esc(team)}:</p>{cmds}"
    return f"<section>{title}{meta}{change_list}{teams}{commands}</section>"


def describe_versions(
    asset: Asset,
) -> list[tuple[Mapping[str, Any], list[tuple[str, str]]]]:
    """Each published version with its differences from the one before, in plain words:
    ``[(version row, [(severity, message)])]``, oldest first. Severities come from the
    model's compatibility and guarantee modes (breaking, warning, info)."""
    mode = str(asset.row.get("compatibility") or "backward")
    guarantee_mode = str(asset.row.get("guarantee_mode") or "notify")
    out: list[tuple[Mapping[str, Any], list[tuple[str, str]]]] = []
    previous: dict[str, Any] | None = None
    for row in asset.versions:
        document = {
            "schema": loads_json(row.get("schema_json"), {}),
            "guarantees": loads_json(row.get("guarantees_json"), {}),
        }
        words: list[tuple[str, str]] = []
        if previous is not None:
            changes = diff_contracts(previous, document)
            try:
                judged = evaluate(changes, mode, guarantee_mode)
            except ValueError:
                judged = evaluate(changes, "backward", "notify")
            words = [(j.severity, j.change.message) for j in judged.changes]
            words += [("info", c.message) for c in judged.ignored]
        out.append((row, words))
        previous = document
    return out


def _columns_table(version: Mapping[str, Any] | None) -> str:
    if version is None:
        return '<p class="muted">No published contract yet.</p>'
    schema = loads_json(version.get("schema_json"), {})
    props = schema.get("properties") if isinstance(schema, dict) else None
    required = set(schema.get("required") or []) if isinstance(schema, dict) else set()
    props = props if isinstance(props, dict) else {}
    order = schema.get("x-tessera-column-order") if isinstance(schema, dict) else None
    names = [n for n in order if n in props] if isinstance(order, list) else []
    names += [n for n in props if n not in names]  # the contract's column order
    rows = []
    for name in names:
        prop = props[name] if isinstance(props[name], dict) else {}
        rows.append(
            [
                f"<code>{esc(name)}</code>",
                esc(prop.get("x-dbt-data-type") or prop.get("type") or ""),
                "yes" if name in required else "",
                esc(prop.get("description") or ""),
            ]
        )
    return _table(["column", "type", "not null", "description"], rows, "No columns.")


# -- pages -----------------------------------------------------------------------------------
def _asset_rows(assets: Iterable[Asset], up: str) -> list[list[str]]:
    rows = []
    for a in assets:
        latest = a.latest
        flags = []
        if a.drift is not None:
            flags.append(_badge("drift"))
        rows.append(
            [
                _asset_link(a, up) + '<br><code class="muted">' + esc(a.id) + "</code>",
                _team_link(a.owner, up),
                esc(latest.get("version")) if latest else '<span class="muted">unpublished</span>',
                str(len(a.consumers)),
                ", ".join(
                    f'<a href="{up}proposals.html#{esc(slug(p.id))}">{esc(p.id)}</a>'
                    for p in a.proposals
                )
                or "",
                " ".join(flags),
            ]
        )
    return rows


def _pager(current: int, pages: int, up: str) -> str:
    if pages <= 1:
        return ""
    links = []
    for n in range(1, pages + 1):
        href = f"{up}index.html" if n == 1 else f"{up}assets/page-{n}.html"
        links.append(
            f'<span class="here">{n}</span>' if n == current else f'<a href="{href}">{n}</a>'
        )
    return f'<nav class="pager">Pages: {"".join(links)}</nav>'


def _index_pages(registry: Registry, generated_at: str, name: str) -> dict[str, str]:
    assets = registry.ordered_assets()
    pages = max(1, -(-len(assets) // ASSETS_PER_PAGE))
    waiting = sum(len(p.waiting_for) for p in registry.proposals)
    drifted = sum(1 for a in assets if a.drift is not None)
    cards = "".join(
        f'<div class="card"><div class="n">{n}</div><div class="l">{esc(label)}</div></div>'
        for n, label in [
            (len(assets), "assets"),
            (len(registry.teams), "teams"),
            (sum(len(a.consumers) for a in assets), "registrations"),
            (len(registry.proposals), "open proposals"),
            (waiting, "answers owed"),
            (drifted, "assets with drift"),
        ]
    )
    out: dict[str, str] = {}
    headers = ["model", "owner", "latest", "consumers", "open proposals", "notes"]
    for n in range(1, pages + 1):
        chunk = assets[(n - 1) * ASSETS_PER_PAGE : n * ASSETS_PER_PAGE]
        up = "" if n == 1 else "../"
        body = (
            "<h1>Data contracts</h1>"
            f'<p class="sub">Every contracted model in {esc(name)}: its owner, latest '
            "published version, consumers and open proposals, grouped by owner.</p>"
        )
        if n == 1:
            body += f'<div class="cards">{cards}</div>'
        body += _pager(n, pages, up)
        groups: dict[str, list[Asset]] = {}
        for a in chunk:
            groups.setdefault(a.owner, []).append(a)
        for owner, members in groups.items():
            body += f"<h2>Owned by {_team_link(owner, up)}</h2>"
            body += _table(headers, _asset_rows(members, up), "No assets.")
        if not assets:
            body += (
                '<p class="muted">No assets yet: a dbt build publishes the contracted models.</p>'
            )
        body += _pager(n, pages, up)
        path = "index.html" if n == 1 else f"assets/page-{n}.html"
        out[path] = _page("Data contracts", body, 0 if n == 1 else 1, generated_at, name)
    return out


def _model_page(asset: Asset, registry: Registry, generated_at: str, name: str) -> str:
    up = "../"
    row = asset.row
    latest = asset.latest
    facts = [
        ("owner", _team_link(asset.owner, up)),
        ("unique id", f"<code>{esc(asset.id)}</code>"),
        ("relation", f"<code>{esc(row.get('relation_name'))}</code>"),
        ("compatibility", esc(row.get("compatibility") or "backward")),
        ("guarantee mode", esc(row.get("guarantee_mode") or "notify")),
        ("latest version", esc(latest.get("version")) if latest else "unpublished"),
    ]
    body = f"<h1>{esc(asset.name)}</h1>"
    body += _table(["", ""], ([f"<b>{esc(k)}</b>", v] for k, v in facts), "")
    if asset.drift is not None:
        details = loads_json(asset.drift.get("details_json"), {})
        what = details.get("message") if isinstance(details, dict) else None
        body += (
            f'<div class="notice"><b>Drift:</b> the relation differed from its latest published '
            f"contract at {esc(_time(asset.drift.get('occurred_at')))}"
            + (f": {esc(what)}" if what else "")
            + "</div>"
        )
    body += "<h2>Consumers</h2>"
    body += _table(
        ["team", "source", "columns", "pinned major", "note"],
        (
            [
                _team_link(str(c.get("team")), up),
                esc(c.get("source")),
                esc(", ".join(map(str, loads_json(c.get("columns_json"), None) or [])) or "all"),
                esc(c.get("pinned_major")),
                esc(c.get("note")),
            ]
            for c in asset.consumers
        ),
        "No registered consumers.",
    )
    body += "<h2>Open proposals</h2>"
    body += (
        "".join(_proposal_block(p, registry, up, False) for p in asset.proposals)
        if asset.proposals
        else '<p class="muted">None.</p>'
    )
    body += "<h2>Columns of the latest contract</h2>" + _columns_table(latest)
    body += "<h2>Contract history</h2>"
    items = []
    for version, words in reversed(describe_versions(asset)):
        bump = version.get("bump")
        head = (
            f'<span class="v">{esc(version.get("version"))}</span> '
            + (_badge(bump) if bump and bump != "none" else "")
            + f' <span class="muted">published {esc(_time(version.get("published_at")))} by '
            f"{esc(version.get('published_by') or 'unknown')}"
            + (
                f", under proposal {esc(version.get('proposal_id'))}"
                if version.get("proposal_id")
                else ""
            )
            + "</span>"
        )
        if version is asset.versions[0]:
            text = "<p>First published version.</p>"
        elif words:
            text = (
                "<ul>"
                + "".join(f"<li>{_badge(sev)} {esc(msg)}</li>" for sev, msg in words)
                + "</ul>"
            )
        else:
            text = '<p class="muted">No difference in the contract.</p>'
        items.append(f"<li>{head}{text}</li>")
    body += (
        f'<ol class="timeline">{"".join(items)}</ol>'
        if items
        else '<p class="muted">Nothing published yet.</p>'
    )
    return _page(asset.name, body, 1, generated_at, name)


def _team_page(team: str, registry: Registry, generated_at: str, name: str) -> str:
    up = "../"
    row = registry.teams.get(team) or {}
    owns = [a for a in registry.ordered_assets() if a.owner == team]
    consumes = [
        (a, c) for a in registry.ordered_assets() for c in a.consumers if c.get("team") == team
    ]
    owes = [p for p in registry.proposals if team in p.waiting_for]
    body = f"<h1>Team {esc(team)}</h1>"
    if row.get("description"):
        body += f'<p class="sub">{esc(row.get("description"))}</p>'
    body += f"<h2>Inbox: answers owed ({len(owes)})</h2>"
    body += (
        "".join(_proposal_block(p, registry, up, True) for p in owes)
        if owes
        else '<p class="muted">Nothing to answer.</p>'
    )
    body += f"<h2>Owns ({len(owns)})</h2>"
    body += _table(
        ["model", "owner", "latest", "consumers", "open proposals", "notes"],
        _asset_rows(owns, up),
        "Owns no asset.",
    )
    body += f"<h2>Consumes ({len(consumes)})</h2>"
    body += _table(
        ["model", "owner", "source", "columns"],
        (
            [
                _asset_link(a, up),
                _team_link(a.owner, up),
                esc(c.get("source")),
                esc(", ".join(map(str, loads_json(c.get("columns_json"), None) or [])) or "all"),
            ]
            for a, c in consumes
        ),
        "Consumes no asset.",
    )
    members = registry.members.get(team, [])
    body += "<h2>Members</h2>" + _table(
        ["principal", "role"],
        ([esc(m.get("principal")), esc(m.get("role"))] for m in members),
        "No members recorded.",
    )
    return _page(f"Team {team}", body, 1, generated_at, name)


def _teams_index(registry: Registry, generated_at: str, name: str) -> str:
    rows = []
    for team in sorted(registry.teams):
        owns = sum(1 for a in registry.assets.values() if a.owner == team)
        consumes = sum(
            1 for a in registry.assets.values() for c in a.consumers if c.get("team") == team
        )
        owes = sum(1 for p in registry.proposals if team in p.waiting_for)
        rows.append(
            [
                _team_link(team, ""),
                str(owns),
                str(consumes),
                _badge(owes, "pending") if owes else "0",
            ]
        )
    body = "<h1>Teams</h1>" + _table(
        ["team", "owns", "consumes", "answers owed"], rows, "No teams."
    )
    return _page("Teams", body, 0, generated_at, name)


def _proposals_page(registry: Registry, generated_at: str, name: str) -> str:
    body = (
        '<h1>Open proposals</h1><p class="sub">Breaking changes waiting for their consumers.'
        " Each affected team answers with one of the commands shown (or "
        "<code>--response migrating</code> / <code>blocked</code>).</p>"
    )
    if not registry.proposals:
        body += '<p class="muted">No open proposals.</p>'
    for p in registry.proposals:
        body += f'<div id="{esc(slug(p.id))}">{_proposal_block(p, registry, "", True)}</div>'
    return _page("Open proposals", body, 0, generated_at, name)


def render_site(
    tables: Mapping[str, Rows], generated_at: str, registry_name: str
) -> dict[str, str]:
    """Every page of the report: ``{relative path: HTML}`` (``index.html`` first)."""
    registry = Registry(tables)
    site = _index_pages(registry, generated_at, registry_name)
    site["teams.html"] = _teams_index(registry, generated_at, registry_name)
    site["proposals.html"] = _proposals_page(registry, generated_at, registry_name)
    for asset in registry.assets.values():
        site[asset.href] = _model_page(asset, registry, generated_at, registry_name)
    for team in registry.teams:
        site[team_href(team)] = _team_page(team, registry, generated_at, registry_name)
    return site


def wanted(table: str, row: Mapping[str, Any]) -> bool:
    """Whether the report needs a registry row (the gate's checks, deliveries and audit
    events other than drift are left out, so a long history is not held in memory)."""
    if table in ("tessera_checks", "tessera_deliveries", "tessera_schema_version"):
        return False
    if table == "tessera_audit_log":
        return row.get("action") == DRIFT_ACTION
    return True
