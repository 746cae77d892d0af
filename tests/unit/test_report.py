"""The HTML report (tessera_dbt.core.report): escaping, pages, history in words, commands."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import yaml

from tessera_dbt.core.report import ASSETS_PER_PAGE, acknowledge_commands, render_site, slug, wanted

HOSTILE = "<script>alert('x')</script> & \"quotes\" 🎉"
T = "2026-01-01T00:00:00.000000Z"


def schema(*columns: str, required: tuple[str, ...] = ()) -> str:
    return json.dumps(
        {
            "type": "object",
            "properties": {c: {"type": "integer", "x-dbt-data-type": "integer"} for c in columns},
            "required": list(required),
        }
    )


def registry(n_assets: int = 2) -> dict[str, list[dict[str, Any]]]:
    assets = [
        {
            "asset_id": f"model.shop.m{i:04d}",
            "model_name": f"m{i:04d}",
            "model_version": None,
            "owner_team": f"team-{i % 7}",
            "compatibility": "backward",
            "guarantee_mode": "notify",
            "relation_name": f'"w"."main"."m{i:04d}"',
            "deleted_at": None,
        }
        for i in range(n_assets)
    ]
    assets[0]["owner_team"] = HOSTILE
    contracts = []
    for a in assets:
        contracts.append(
            {
                "asset_id": a["asset_id"],
                "version": "1.0.0",
                "bump": None,
                "schema_json": schema("id", "status", required=("id",)),
                "guarantees_json": "{}",
                "published_at": T,
                "published_by": "alice",
                "proposal_id": None,
            }
        )
    contracts.append(
        {
            "asset_id": assets[0]["asset_id"],
            "version": "2.0.0",
            "bump": "major",
            "schema_json": schema("id"),
            "guarantees_json": "{}",
            "published_at": T,
            "published_by": "bob",
            "proposal_id": "m0000-abc",
        }
    )
    contracts.append(
        {
            "asset_id": assets[0]["asset_id"],
            "version": "1.1.0",
            "bump": "minor",
            "schema_json": schema("id", "status", "note", required=("id",)),
            "guarantees_json": "{}",
            "published_at": T,
            "published_by": "alice",
            "proposal_id": None,
        }
    )
    return {
        "tessera_assets": assets,
        "tessera_contracts": contracts,
        "tessera_teams": [{"name": HOSTILE, "description": HOSTILE, "deleted_at": None}],
        "tessera_registrations": [
            {
                "asset_id": assets[1]["asset_id"],
                "team": HOSTILE,
                "source": "manual",
                "columns_json": '["id"]',
                "pinned_major": None,
                "note": HOSTILE,
                "deleted_at": None,
            }
        ],
        "tessera_proposals": [
            {
                "proposal_id": "m0001-7f3a2c",
                "asset_id": assets[1]["asset_id"],
                "status": "pending",
                "base_version": "1.0.0",
                "next_version": "2.0.0",
                "changes_json": json.dumps([{"message": "column status was removed"}]),
                "created_at": T,
                "created_by": "carol",
            }
        ],
        "tessera_proposal_teams": [
            {"proposal_id": "m0001-7f3a2c", "team": HOSTILE, "reason": "registered"}
        ],
        "tessera_acknowledgements": [],
        "tessera_team_members": [],
        "tessera_audit_log": [
            {
                "action": "drift_detected",
                "entity_id": assets[1]["asset_id"],
                "occurred_at": T,
                "details_json": json.dumps({"message": "column x is missing"}),
            }
        ],
    }


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_every_value_is_escaped_and_nothing_is_external() -> None:
    site = render_site(registry(), T, "w.tessera")
    for path, page in site.items():
        assert "<script" not in page, path
        assert "http://" not in page and "https://" not in page, path
        assert "src=" not in page, path
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in site["index.html"]


def test_pages_index_models_teams_proposals() -> None:
    site = render_site(registry(), T, "w.tessera")
    assert {"index.html", "teams.html", "proposals.html"} <= set(site)
    assert f"models/{slug('model.shop.m0000')}.html" in site
    assert f"teams/{slug(HOSTILE)}.html" in site
    index = text_of(site["index.html"])
    assert "m0000" in index and "m0001-7f3a2c" in index and "drift" in index
    team = text_of(site[f"teams/{slug(HOSTILE)}.html"])
    assert "Inbox: answers owed (1)" in team and "Owns (1)" in team and "Consumes (1)" in team


def test_history_is_a_timeline_in_plain_words_newest_first() -> None:
    site = render_site(registry(), T, "w.tessera")
    page = text_of(site[f"models/{slug('model.shop.m0000')}.html"])
    assert page.index("2.0.0") < page.index("1.1.0") < page.index("First published version")
    assert re.search(r"breaking column status was removed", page)
    assert "column note was added" in page


def test_open_proposals_show_the_exact_commands() -> None:
    site = render_site(registry(), T, "w.tessera")
    page = site["proposals.html"]
    cli, dbt = acknowledge_commands("m0001-7f3a2c", HOSTILE)
    import html

    assert html.escape(cli) in page and html.escape(dbt) in page
    # The commands survive the shell and YAML exactly.
    argv = shlex.split(cli)
    assert argv[:4] == ["tessera", "proposal", "acknowledge", "m0001-7f3a2c"]
    assert argv[argv.index("--team") + 1] == HOSTILE
    args = yaml.safe_load(shlex.split(dbt)[-1])
    assert args == {"proposal_id": "m0001-7f3a2c", "team": HOSTILE, "response": "approved"}


def test_a_thousand_assets_are_paginated() -> None:
    site = render_site(registry(1000), T, "w.tessera")
    pages = [p for p in site if p == "index.html" or p.startswith("assets/page-")]
    assert len(pages) == -(-1000 // ASSETS_PER_PAGE)
    assert len([p for p in site if p.startswith("models/")]) == 1000
    assert site["index.html"].count("<tr>") <= ASSETS_PER_PAGE + 20
    assert 'href="assets/page-2.html"' in site["index.html"]
    assert 'href="../index.html"' in site["assets/page-2.html"]


def test_wanted_rows() -> None:
    assert wanted("tessera_audit_log", {"action": "drift_detected"})
    assert not wanted("tessera_audit_log", {"action": "team_created"})
    assert not wanted("tessera_checks", {})
    assert wanted("tessera_assets", {})
