"""Cross-project consumers through dbt-loom: a consumer project registers itself upstream.

The shop project publishes orders; the analytics project (tests/fixtures/consumers/analytics)
installs Tessera, sets ``tessera_team: analytics`` and reads ``ref('shop', 'orders')``, a
node dbt-loom injects from shop's manifest.json. Both share one registry (one DuckDB file).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.harness import DbtProject, write_profiles

pytest.importorskip("dbt_loom")
pytestmark = [pytest.mark.slow, pytest.mark.duckdb]


def test_consumer_project_registers_on_upstream_assets_and_joins_open_proposals(
    new_project: Callable[..., DbtProject],
) -> None:
    shop = new_project("duckdb")
    shop.dbt("build")  # publishes orders 1.0.0 and writes target/manifest.json

    # shop drops status: finance (exposure, all columns) must answer; marketing does not.
    marts = shop.read_yaml("models/marts/_marts.yml")
    for model in marts["models"]:
        if model["name"] == "orders":
            model["columns"] = [c for c in model["columns"] if c["name"] != "status"]
    shop.write_yaml("models/marts/_marts.yml", marts)
    sql = (shop.dir / "models/marts/orders.sql").read_text()
    shop.write(
        "models/marts/orders.sql", sql.replace(",\n    cast(status as varchar(20)) as status", "")
    )
    # dbt-loom reads the manifest of the published state (status still there).
    manifest = shop.dir / "target" / "manifest.json"
    published = shop.dir / "published_manifest.json"
    published.write_bytes(manifest.read_bytes())
    assert shop.dbt("build", expect=None).returncode != 0

    analytics = new_project("duckdb", "consumers/analytics")
    write_profiles(analytics.profiles_dir, shop.dir, "duckdb")  # the same warehouse
    analytics.write_yaml(
        "dbt_loom.config.yml",
        {
            "manifests": [
                {
                    "name": "shop",
                    "type": "file",
                    "config": {"path": str(published)},
                    "excluded_packages": ["tessera"],
                }
            ]
        },
    )
    # The consumer project has no blocked asset: it builds, and registers on shop's orders.
    analytics.dbt("build")

    assert shop.query(
        "select team, source, columns_json, source_ref from {schema}.tessera_registrations "
        "where asset_id = 'model.shop.orders' and source = 'ref' order by team"
    ) == [
        ("analytics", "ref", '["order_id", "status"]', "model.analytics.order_report"),
        ("marketing", "ref", '["amount", "order_id"]', "model.shop.mkt_order_values"),
    ]
    # analytics reads status: it joined the open proposal; marketing never did.
    teams = shop.query(
        "select pt.team, pt.reason from {schema}.tessera_proposal_teams pt "
        "join {schema}.tessera_proposals p on p.proposal_id = pt.proposal_id "
        "where p.asset_id = 'model.shop.orders' and p.status = 'pending' order by pt.team"
    )
    assert [t[0] for t in teams] == ["analytics", "finance"]
    assert "status" in teams[0][1]
    # tessera.impact (text) in the upstream project names the cross-project consumer.
    text = shop.run_operation("impact", {"model": "orders"}).output
    assert "model.analytics.order_report" in text
    affected = [line for line in text.splitlines() if " affected " in f" {line} "]
    assert any(line.startswith("analytics") for line in affected), text
    assert any(line.startswith("finance") for line in affected), text

    # The model goes away: its registration is soft-deleted (audited); the shop project's
    # own derived registrations are not the analytics project's to remove.
    (analytics.dir / "models/order_report.sql").unlink()
    analytics.dbt("build")
    assert shop.query(
        "select team, deleted_at is not null from {schema}.tessera_registrations "
        "where asset_id = 'model.shop.orders' order by team"
    ) == [("analytics", True), ("finance", False), ("marketing", False)]
    assert shop.query(
        "select count(*) from {schema}.tessera_audit_log "
        "where action = 'consumer_unregistered' and details_json like '%analytics%'"
    ) == [(1,)]


def test_consumer_build_lists_what_it_owes_and_select_star_is_protected(
    new_project: Callable[..., DbtProject],
) -> None:
    shop = new_project("duckdb")
    shop.dbt("build")
    published = shop.dir / "published_manifest.json"
    published.write_bytes((shop.dir / "target" / "manifest.json").read_bytes())

    analytics = new_project("duckdb", "consumers/analytics")
    write_profiles(analytics.profiles_dir, shop.dir, "duckdb")
    analytics.write_yaml(
        "dbt_loom.config.yml",
        {
            "manifests": [
                {
                    "name": "shop",
                    "type": "file",
                    "config": {"path": str(published)},
                    "excluded_packages": ["tessera"],
                }
            ]
        },
    )
    # A copy of orders with an enforced contract: `select *` passes every upstream column on,
    # so a column added to orders fails this model's contract check.
    analytics.write("models/order_copy.sql", "select * from {{ ref('shop', 'orders') }}\n")
    analytics.write_yaml(
        "models/_models.yml",
        {
            "models": [
                {
                    "name": "order_copy",
                    "config": {"contract": {"enforced": True}, "materialized": "table"},
                    "columns": [
                        {"name": "order_id", "data_type": "integer"},
                        {"name": "customer_id", "data_type": "integer"},
                        {"name": "amount", "data_type": "numeric(12,2)"},
                        {"name": "status", "data_type": "varchar(20)"},
                    ],
                }
            ]
        },
    )
    quiet = analytics.dbt("build")
    # Nothing owed: nothing said (a word match: dbt 1.12 warns about macro argument types,
    # and "allowed" holds "owe").
    assert not re.search(r"\bowe\b", quiet.output), quiet
    assert shop.query(
        "select star_refs from {schema}.tessera_registrations "
        "where asset_id = 'model.shop.orders' and team = 'analytics'"
    ) == [("model.analytics.order_copy",)]

    # shop adds a column: compatible for everyone else, breaking for analytics' select *.
    marts = shop.read_yaml("models/marts/_marts.yml")
    orders = next(m for m in marts["models"] if m["name"] == "orders")
    orders["columns"].append({"name": "channel", "data_type": "varchar(10)"})
    shop.write_yaml("models/marts/_marts.yml", marts)
    sql = (shop.dir / "models/marts/orders.sql").read_text()
    shop.write(
        "models/marts/orders.sql",
        sql.replace(" as status\n", " as status,\n    cast('web' as varchar(10)) as channel\n"),
    )
    blocked = shop.dbt("build", expect=None)
    assert blocked.returncode != 0, blocked
    assert "select * into an enforced contract" in blocked.output, blocked
    [(pid,)] = shop.query(
        "select proposal_id from {schema}.tessera_proposals where status = 'pending'"
    )
    assert shop.query(
        "select team, reason from {schema}.tessera_proposal_teams where proposal_id = '" + pid + "'"
    ) == [
        (
            "analytics",
            "model.analytics.order_copy select(s) * from orders into an enforced contract: "
            "an added column fails its contract check",
        )
    ]

    # The consumer's next build says what its team owes, and how to answer.
    owes = analytics.dbt("build")
    assert f"proposal {pid} on model.shop.orders" in owes.output, owes
    assert "read by model.analytics.order_copy" in owes.output, owes
    assert f"tessera proposal acknowledge {pid} --team analytics" in owes.output, owes
    checked = analytics.tessera("check", expect=None)
    assert f"proposal {pid} on model.shop.orders" in checked.output, checked

    # From the consumer's own project, upstream assets the registry knows are addressable.
    analytics.run_operation("create_team", {"name": "bi"})
    registered = analytics.tessera("register", "shop.orders", "--team", "bi", "--columns", "amount")
    assert "model.shop.orders" in registered.output and "columns amount" in registered.output
    history = analytics.tessera("contract", "history", "model.shop.orders")
    assert "1.0.0" in history.output, history
    shown = analytics.tessera("asset", "show", "shop.orders")
    assert "bi" in shown.output, shown
