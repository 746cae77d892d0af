"""The gate end to end, on DuckDB and PostgreSQL: one project, the life of a breaking change.

One scenario per adapter, one test per step on one project (module-scoped; each step builds
on the one before, so after a failing step the later ones are skipped, saying so): first
publish, a consumer registers, an additive change ships as a minor, two breaking changes
block the run before any model starts, the proposals are reused, answered, withdrawn,
forced, and finally ship as majors; an unchanged rebuild publishes nothing; the run fails
closed without an evaluation (--no-write-json) unless tessera_fail_open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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

pytestmark = [pytest.mark.slow, pytest.mark.steps]

ORDERS, CUSTOMERS, SOLO = "model.gate.orders", "model.gate.customers", "model.gate.solo"
REV1, REV2 = "model.gate.revenue.v1", "model.gate.revenue.v2"

ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")
STATUS = ("status", "varchar(20)", "cast('placed' as varchar(20))")
NOTE = ("note", "varchar(10)", "cast(null as varchar(10))")
CUSTOMER_ID = ("customer_id", "integer", "cast(1 as integer)")


@dataclass
class Flow:
    """The scenario's project and what one step hands to the next."""

    p: DbtProject
    adapter: str
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def flow(module_adapter: str, module_project: Callable[..., DbtProject]) -> Flow:
    return Flow(gate_project(module_project, module_adapter), module_adapter)


def test_01_first_build_publishes_1_0_0_for_every_asset(flow: Flow) -> None:
    p = flow.p
    # Each model version is its own asset.
    p.dbt("run")
    assert published(p) == {a: ["1.0.0"] for a in (CUSTOMERS, ORDERS, REV1, REV2, SOLO)}
    assert set(verdicts(p).values()) == {"new"}
    report = check_report(p)
    assert report["command"] == "run" and report["passed"] is True
    assert {"invocation_id", "registry", "decisions", "new_proposals", "superseded"} <= set(report)


def test_02_a_consumer_registers(flow: Flow) -> None:
    setup_consumers(flow.p, "growth", ["orders", "customers"])


def test_03_additive_ships_minor_and_unconsumed_breaking_is_auto_approved(flow: Flow) -> None:
    p = flow.p
    # A nullable column is additive: orders ships 1.1.0. solo drops a column, but nobody
    # consumes it: auto-approved, shipped as 2.0.0, and audited.
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


def test_04_dropping_a_consumed_column_blocks_the_run_before_any_model(flow: Flow) -> None:
    p = flow.p
    write_model(p, "orders", [ORDER_ID, AMOUNT, NOTE])
    write_model(p, "customers", [CUSTOMER_ID])
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0
    assert not models_ran(blocked)
    orders_pid, customers_pid = open_proposal(p, ORDERS), open_proposal(p, CUSTOMERS)
    flow.ids.update(orders=orders_pid, customers=customers_pid)
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
    flow.ids["ack"] = ack
    assert verdicts(p)[ORDERS] == verdicts(p)[CUSTOMERS] == "blocked"
    assert check_report(p)["passed"] is False
    assert sorted(check_report(p)["new_proposals"]) == sorted([orders_pid, customers_pid])
    assert published(p)[ORDERS] == ["1.0.0", "1.1.0"]


def test_05_commands_selecting_no_blocked_model_run_and_reuse_the_proposals(flow: Flow) -> None:
    p = flow.p
    # dbt seed selects no blocked model: it runs (DuckDB only: the hook's logic is the
    # same everywhere); neither does a run of another model. The proposals are reused.
    if flow.adapter == "duckdb":
        p.dbt("seed")
    other = p.dbt("run", "-s", "other")
    assert "1 of 1 OK" in other.stdout
    assert check_report(p)["new_proposals"] == []
    assert open_proposal(p, ORDERS) == flow.ids["orders"]
    assert open_proposal(p, CUSTOMERS) == flow.ids["customers"]
    assert sum(1 for _, s in proposals(p).values() if s == "pending") == 2


def test_06_a_consumer_answers_blocked_and_the_owner_withdraws(flow: Flow) -> None:
    p = flow.p
    orders_pid, customers_pid = flow.ids["orders"], flow.ids["customers"]
    # growth answers blocked (with a note); the owner withdraws the customers change.
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
    flow.ids["customers2"] = customers_pid2


def test_07_approved_and_forced_changes_ship_as_majors(flow: Flow) -> None:
    p = flow.p
    orders_pid, customers_pid2 = flow.ids["orders"], flow.ids["customers2"]
    # growth approves with the arguments the message printed; an admin forces the
    # customers change. Both ship as 2.0.0 and their proposals become published.
    printed_args = yaml.safe_load(flow.ids["ack"].split("--args ", 1)[1].strip("'"))
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


def test_08_an_unchanged_rebuild_publishes_nothing(flow: Flow) -> None:
    p = flow.p
    before = p.count("tessera_contracts")
    again = p.dbt("run")
    assert set(verdicts(p).values()) == {"unchanged"}
    assert p.count("tessera_contracts") == before
    assert "Tessera: published" not in again.stdout


def test_09_without_an_evaluation_the_gate_fails_closed(flow: Flow) -> None:
    p = flow.p
    # Without an evaluation (--no-write-json skips the plugin) the gate fails closed, even
    # though nothing changed; tessera_fail_open does not apply to a reachable registry
    # (test_gate_holds).
    closed = p.dbt("run", "--no-write-json", "-s", "other", expect=None)
    assert closed.returncode != 0 and not models_ran(closed)
    assert "Tessera has no evaluation for this invocation" in closed.stdout
    assert "--no-write-json" in closed.stdout and "tessera_fail_open" in closed.stdout


def test_10_an_unreachable_registry_fails_closed_unless_fail_open(flow: Flow) -> None:
    p = flow.p
    # tessera_database names a database that does not exist: the run fails before any
    # model starts, saying why; tessera_fail_open warns instead.
    down = p.dbt("run", "-s", "other", "--vars", "{tessera_database: nowhere_db}", expect=None)
    assert down.returncode != 0 and not models_ran(down), down
    assert "Tessera cannot read its registry" in down.stdout
    assert "tessera_database" in down.stdout and "tessera_fail_open" in down.stdout
    fail_open = "{tessera_database: nowhere_db, tessera_fail_open: true}"
    warned = p.dbt("run", "-s", "other", "--vars", fail_open)
    assert "Tessera cannot read its registry" in warned.stdout and "1 of 1 OK" in warned.stdout
