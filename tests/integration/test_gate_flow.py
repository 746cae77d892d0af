"""The gate end to end, on DuckDB and PostgreSQL: one project, the life of a breaking change.

One scenario per adapter (every dbt call costs seconds, so the assertions share one
project): first publish, a consumer registers, an additive change ships as a minor, two
breaking changes block the run before any model starts, the proposals are reused, answered,
withdrawn, forced, and finally ship as majors; an unchanged rebuild publishes nothing; the
run fails closed without an evaluation (--no-write-json) unless tessera_fail_open.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from tests.harness import DbtProject
from tests.integration.test_gate_support import (
    check_report,
    gate_project,
    models_ran,
    open_proposal,
    ops,
    proposals,
    published,
    setup_consumers,
    verdicts,
    write_model,
)

pytestmark = pytest.mark.slow

ORDERS, CUSTOMERS, SOLO = "model.gate.orders", "model.gate.customers", "model.gate.solo"
REV1, REV2 = "model.gate.revenue.v1", "model.gate.revenue.v2"

ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")
STATUS = ("status", "varchar(20)", "cast('placed' as varchar(20))")
NOTE = ("note", "varchar(10)", "cast(null as varchar(10))")
CUSTOMER_ID = ("customer_id", "integer", "cast(1 as integer)")


def test_life_of_a_breaking_change(adapter: str, new_project: Callable[..., DbtProject]) -> None:
    p = gate_project(new_project, adapter)

    # 1. The first build publishes 1.0.0 for every asset; each model version is its own.
    p.dbt("run")
    assert published(p) == {a: ["1.0.0"] for a in (CUSTOMERS, ORDERS, REV1, REV2, SOLO)}
    assert set(verdicts(p).values()) == {"new"}
    report = check_report(p)
    assert report["command"] == "run" and report["passed"] is True
    assert {"invocation_id", "registry", "decisions", "new_proposals", "superseded"} <= set(report)

    # 2. A consumer registers on orders and customers.
    setup_consumers(p, "growth", ["orders", "customers"])

    # 3. A nullable column is additive: orders ships 1.1.0. solo drops a column, but nobody
    #    consumes it: auto-approved, shipped as 2.0.0, and audited.
    write_model(p, "orders", [ORDER_ID, AMOUNT, STATUS, NOTE])
    write_model(p, "solo", [("id", "integer", "cast(1 as integer)")])
    p.dbt("run")
    assert verdicts(p)[ORDERS] == "compatible"
    assert verdicts(p)[SOLO] == "auto_approved"
    assert published(p)[ORDERS] == ["1.0.0", "1.1.0"]
    assert published(p)[SOLO] == ["1.0.0", "2.0.0"]
    assert p.query(
        "select count(*) from {schema}.tessera_audit_log "
        f"where action = 'auto_approved' and entity_id = '{SOLO}'"
    ) == [(1,)]

    # 4. Dropping a consumed column blocks the whole run before any model starts.
    write_model(p, "orders", [ORDER_ID, AMOUNT, NOTE])
    write_model(p, "customers", [CUSTOMER_ID])
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0
    assert not models_ran(blocked)
    orders_pid, customers_pid = open_proposal(p, ORDERS), open_proposal(p, CUSTOMERS)
    out = blocked.stdout
    assert "Tessera blocked this run" in out
    assert "Model orders (model.gate.orders)" in out and "column status was removed" in out
    assert "Model customers (model.gate.customers)" in out and "column email was removed" in out
    assert f"proposal {orders_pid}" in out and "waiting for: growth" in out
    ack = (
        "dbt run-operation tessera.acknowledge --args "
        f"'{{proposal_id: {orders_pid}, team: growth, response: approved}}'"
    )
    assert ack in out
    assert verdicts(p)[ORDERS] == verdicts(p)[CUSTOMERS] == "blocked"
    assert check_report(p)["passed"] is False
    assert sorted(check_report(p)["new_proposals"]) == sorted([orders_pid, customers_pid])
    assert published(p)[ORDERS] == ["1.0.0", "1.1.0"]

    # 5. dbt seed selects no blocked model: it runs (DuckDB only: the hook's logic is the
    #    same everywhere); neither does a run of another model. The proposals are reused.
    if adapter == "duckdb":
        p.dbt("seed")
    other = p.dbt("run", "-s", "other")
    assert "1 of 1 OK" in other.stdout
    assert check_report(p)["new_proposals"] == []
    assert open_proposal(p, ORDERS) == orders_pid
    assert open_proposal(p, CUSTOMERS) == customers_pid
    assert sum(1 for _, s in proposals(p).values() if s == "pending") == 2

    # 7. growth answers blocked (with a note); the owner withdraws the customers change.
    ops(
        p,
        (
            "acknowledge",
            {
                "proposal_id": orders_pid,
                "team": "growth",
                "response": "blocked",
                "note": "our weekly report reads status",
            },
        ),
        ("withdraw", {"proposal_id": customers_pid, "reason": "rethinking"}),
    )
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0 and not models_ran(blocked)
    assert "team growth answered blocked: our weekly report reads status" in blocked.stdout
    assert proposals(p)[customers_pid][1] == "withdrawn"
    customers_pid2 = open_proposal(p, CUSTOMERS)  # withdrawn: the next build opens a new one
    assert customers_pid2 != customers_pid
    assert customers_pid2 in blocked.stdout

    # 8. growth approves with the arguments the message printed; an admin forces the
    #    customers change. Both ship as 2.0.0 and their proposals become published.
    printed_args = yaml.safe_load(ack.split("--args ", 1)[1].strip("'"))
    ops(
        p,
        ("acknowledge", printed_args),
        ("force", {"proposal_id": customers_pid2, "reason": "incident 42"}),
    )
    shipped = p.dbt("run")
    assert verdicts(p)[ORDERS] == "approved" and verdicts(p)[CUSTOMERS] == "forced"
    assert published(p)[ORDERS] == ["1.0.0", "1.1.0", "2.0.0"]
    assert published(p)[CUSTOMERS] == ["1.0.0", "2.0.0"]
    assert proposals(p)[orders_pid][1] == proposals(p)[customers_pid2][1] == "published"
    assert f"published {ORDERS} 2.0.0 (proposal {orders_pid})" in shipped.stdout

    # 9. An unchanged rebuild publishes nothing.
    before = p.count("tessera_contracts")
    again = p.dbt("run")
    assert set(verdicts(p).values()) == {"unchanged"}
    assert p.count("tessera_contracts") == before
    assert "Tessera: published" not in again.stdout

    # 10. Without an evaluation (--no-write-json skips the plugin) the gate fails closed,
    #     even though nothing changed; tessera_fail_open lets it run with a warning.
    closed = p.dbt("run", "--no-write-json", "-s", "other", expect=None)
    assert closed.returncode != 0 and not models_ran(closed)
    assert "Tessera has no evaluation for this invocation" in closed.stdout
    assert "--no-write-json" in closed.stdout and "tessera_fail_open" in closed.stdout
    if adapter == "duckdb":
        opened = p.dbt(
            "run", "--no-write-json", "-s", "other", "--vars", "{tessera_fail_open: true}"
        )
        assert "Tessera has no evaluation for this invocation" in opened.stdout
        assert "1 of 1 OK" in opened.stdout

    # 11. The registry unreachable (tessera_database names a database that does not exist):
    #     the run fails before any model starts, saying why; tessera_fail_open warns instead.
    down = p.dbt("run", "-s", "other", "--vars", "{tessera_database: nowhere_db}", expect=None)
    assert down.returncode != 0 and not models_ran(down), down
    assert "Tessera cannot read its registry" in down.stdout
    assert "tessera_database" in down.stdout and "tessera_fail_open" in down.stdout
    fail_open = "{tessera_database: nowhere_db, tessera_fail_open: true}"
    warned = p.dbt("run", "-s", "other", "--vars", fail_open)
    assert "Tessera cannot read its registry" in warned.stdout and "1 of 1 OK" in warned.stdout
