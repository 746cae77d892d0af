"""dbt model versions and deadlines on DuckDB.

The shop project's ``orders`` has consumers (finance's exposure, marketing's ref, a manual
registration of growth). It becomes a versioned model whose v1 is defined in the old file
and keeps the old relation: v1 continues the asset's history and registrations, and adding
v2 breaks nobody. Removing v1 before its deprecation date blocks; after it, v1 retires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.harness import DbtProject

pytestmark = [pytest.mark.slow, pytest.mark.duckdb]


def _orders(marts: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in marts["models"] if m["name"] == "orders")


def make_versioned(shop: DbtProject, v1: bool = True, deprecation: str = "2099-01-01") -> None:
    """orders -> versions [v1 (defined in orders.sql, same relation), v2 (status narrowed)]."""
    marts = shop.read_yaml("models/marts/_marts.yml")
    orders = _orders(marts)
    versions: list[dict[str, Any]] = []
    if v1:
        versions.append(
            {
                "v": 1,
                "defined_in": "orders",
                "config": {"alias": "orders"},
                "deprecation_date": deprecation,
            }
        )
    # v2 narrows status (breaking against v1, but v2 is a lineage of its own).
    versions.append(
        {
            "v": 2,
            "columns": [
                {"include": "all", "exclude": ["status"]},
                {"name": "status", "data_type": "varchar(10)"},
            ],
        }
    )
    orders["versions"] = versions
    orders["latest_version"] = 1 if v1 else 2
    shop.write_yaml("models/marts/_marts.yml", marts)
    v2 = shop.dir / "models/marts/orders_v2.sql"
    if not v2.exists():
        source = (shop.dir / "models/marts/orders.sql").read_text()
        v2.write_text(source.replace("as varchar(20)) as status", "as varchar(10)) as status"))
    if not v1:
        (shop.dir / "models/marts/orders.sql").unlink()


def test_versioning_a_model_keeps_its_history_and_registrations(
    new_project: Callable[..., DbtProject],
) -> None:
    shop = new_project("duckdb")
    shop.dbt("build")
    shop.run_operation("create_team", {"name": "growth"})
    registered = shop.run_operation(
        "register_consumer",
        {"model": "orders", "team": "growth", "columns": ["status"], "note": "weekly KPI"},
    )
    # register echoes what it recorded.
    assert "columns status" in registered.output, registered
    # The CLI's text: the impact names the note, tables have a header over every column,
    # contract show keeps the contract's column order.
    assert "weekly KPI" in shop.run_operation("impact", {"model": "orders"}).output
    assert "in project" in shop.tessera("asset", "list").stdout.splitlines()[0]
    assert "state" in shop.tessera("team", "list", "--all").stdout.splitlines()[0]
    shown = shop.tessera("contract", "show", "orders").stdout.splitlines()
    columns = [line.split()[0] for line in shown[2:] if line and not line.startswith("-")]
    assert columns[:4] == ["order_id", "customer_id", "amount", "status"], shown
    # finance consumes orders through its exposure: unregistering its manual registration
    # says the derived one remains.
    shop.run_operation("register_consumer", {"model": "orders", "team": "finance"})
    gone = shop.run_operation("unregister_consumer", {"model": "orders", "team": "finance"})
    assert "no longer consumes" not in gone.output, gone
    assert "still consumes it through exposure registration" in gone.output, gone

    # 1. orders becomes versioned: v1 in the old file on the old relation, v2 narrows status.
    make_versioned(shop)
    built = shop.dbt("build")
    assert "blocked" not in built.output.lower().replace("0 blocked", ""), built
    history = shop.query(
        "select asset_id, version from {schema}.tessera_contracts "
        "where asset_id like 'model.shop.orders%' order by asset_id, version"
    )
    assert ("model.shop.orders", "1.0.0") in history
    assert ("model.shop.orders.v1", "1.0.0") in history, history  # continued, not restarted
    assert ("model.shop.orders.v2", "1.0.0") in history  # its own lineage
    assets = shop.query(
        "select asset_id, model_name, model_version, latest_version, deleted_at is not null "
        "from {schema}.tessera_assets where asset_id like 'model.shop.orders%' order by 1"
    )
    assert assets == [
        ("model.shop.orders", "orders", None, None, True),
        ("model.shop.orders.v1", "orders", "1", "1", False),
        ("model.shop.orders.v2", "orders", "2", "1", False),
    ]
    assert shop.query(
        "select details_json from {schema}.tessera_audit_log where action = 'asset_continued'"
    ) == [('{"continues": "model.shop.orders", "reason": "builds the same relation"}',)]
    # Adding v2 (status narrowed) broke nobody: no proposal.
    assert shop.count("tessera_proposals") == 0
    # growth's registration is on the model and still counts (it follows latest_version).
    assert shop.query(
        "select asset_id, model_version, deleted_at is null from {schema}.tessera_registrations "
        "where team = 'growth'"
    ) == [("model.shop.orders", None, True)]

    # A pinned registration needs a versioned model's version.
    pinned = shop.run_operation(
        "register_consumer", {"model": "orders", "team": "growth", "version": 9}, expect=1
    )
    assert "version" in pinned.output

    # 2. v1 goes away before its deprecation date: growth (on the model while v1 was the
    #    latest) has not moved: blocked, with the model named.
    make_versioned(shop, v1=False)
    blocked = shop.dbt("build", expect=None)
    assert blocked.returncode != 0, blocked
    assert "orders.v1" in blocked.output and "growth" in blocked.output, blocked

    # 3. The deprecation date passes: v1 retires, the build goes on, the retirement is told.
    shop.execute(
        "update {schema}.tessera_assets set deprecation_date = '2020-01-01' "
        "where asset_id = 'model.shop.orders.v1'"
    )
    retired = shop.dbt("build")
    assert "orders.v1" in retired.output and "retired" in retired.output, retired
    assert shop.query(
        "select deleted_at is not null from {schema}.tessera_assets "
        "where asset_id = 'model.shop.orders.v1'"
    ) == [(True,)]
    assert shop.query(
        "select count(*) from {schema}.tessera_audit_log where action = 'version_retired'"
    ) == [(1,)]


def test_a_blocked_change_suggests_a_new_version_and_ships_as_expired_past_its_deadline(
    new_project: Callable[..., DbtProject],
) -> None:
    shop = new_project("duckdb")
    shop.dbt("build")
    shop.run_operation("create_team", {"name": "growth"})
    shop.run_operation(
        "register_consumer", {"model": "orders", "team": "growth", "columns": ["status"]}
    )
    marts = shop.read_yaml("models/marts/_marts.yml")
    orders = _orders(marts)
    orders["columns"] = [c for c in orders["columns"] if c["name"] != "status"]
    orders["config"]["meta"]["tessera"]["migration_days"] = 30
    shop.write_yaml("models/marts/_marts.yml", marts)
    sql = (shop.dir / "models/marts/orders.sql").read_text()
    shop.write(
        "models/marts/orders.sql", sql.replace(",\n    cast(status as varchar(20)) as status", "")
    )
    blocked = shop.dbt("build", expect=None)
    assert blocked.returncode != 0
    text = blocked.output
    assert "versions:" in text and "defined_in: orders" in text, blocked
    assert "keep the column(s) status" in text, blocked
    [(pid, deadline)] = shop.query(
        "select proposal_id, deadline from {schema}.tessera_proposals where status = 'pending'"
    )
    assert deadline and f"deadline {deadline}" in text, blocked  # migration_days: 30

    # The owner moves the deadline into the past; nobody answered blocked: the change ships.
    bad = shop.tessera("proposal", "deadline", pid, "31/01/2020", expect=None)
    assert bad.returncode != 0 and "deadline" in bad.output and "YYYY-MM-DD" in bad.output
    shop.tessera("proposal", "deadline", pid, "2020-01-31", "--reason", "quarter close")
    shown = shop.tessera("proposal", "show", pid)
    assert "deadline: 2020-01-31" in shown.output, shown
    shipped = shop.dbt("build", "--select", "orders")  # (fct_revenue still reads status)
    # growth's registration still lists the removed column: the build says so.
    assert "team growth's manual registration on orders lists column(s) status" in (
        shipped.output
    ), shipped
    assert shop.query(
        "select status from {schema}.tessera_proposals where proposal_id = '" + pid + "'"
    ) == [("published",)]
    assert shop.query(
        "select action from {schema}.tessera_audit_log where entity_id = '" + pid + "' "
        "and action in ('proposal_deadline_set', 'proposal_expired', 'proposal_published') "
        "order by occurred_at, action"
    ) == [("proposal_deadline_set",), ("proposal_expired",), ("proposal_published",)]
    assert shop.query(
        "select max(version) from {schema}.tessera_contracts where asset_id = 'model.shop.orders'"
    ) == [("2.0.0",)]
    # The closed proposal says how it closed, and waits for nobody.
    closed = shop.tessera("proposal", "show", pid)
    assert "closed: published by" in closed.output and "(waiting)" not in closed.output, closed
