"""Consumers from the project, column-level impact and the SQL surface (issue 5), end to end.

The shop fixture has an exposure owned by finance on orders, and marketing's model
mkt_order_values reads orders' order_id and amount. One scenario per adapter, one step per
test on a module-scoped project (a failing step skips the later ones, saying so): build,
drop a column (blocked), impact, the views, acknowledge, build again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.harness import DbtProject

pytestmark = [pytest.mark.slow, pytest.mark.steps]

VIEWS = (
    "tessera_latest_contracts",
    "tessera_contract_history",
    "tessera_open_proposals",
    "tessera_pending_acknowledgements",
    "tessera_consumers",
)


def _views_schema(project: DbtProject) -> str:
    # dbt's default generate_schema_name: <target schema>_<tessera_schema>.
    return ("main" if project.adapter == "duckdb" else "analytics") + "_tessera"


def _drop_status(project: DbtProject) -> None:
    marts = project.read_yaml("models/marts/_marts.yml")
    for model in marts["models"]:
        if model["name"] == "orders":
            model["columns"] = [c for c in model["columns"] if c["name"] != "status"]
    project.write_yaml("models/marts/_marts.yml", marts)
    sql = (project.dir / "models/marts/orders.sql").read_text()
    project.write(
        "models/marts/orders.sql",
        sql.replace(",\n    cast(status as varchar(20)) as status", ""),
    )


def _json_line(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("{") and '"asset_id"' in line:
            return dict(json.loads(line))
    raise AssertionError(f"no JSON document in:\n{output[-3000:]}")


@dataclass
class Scenario:
    """The project and what one step hands to the next."""

    project: DbtProject
    proposal_id: str = ""


@pytest.fixture(scope="module")
def scenario(module_adapter: str, module_project: Callable[..., DbtProject]) -> Scenario:
    return Scenario(module_project(module_adapter))


def test_01_the_build_registers_exposure_and_ref_consumers(scenario: Scenario) -> None:
    project = scenario.project
    project.dbt("build")

    regs = project.query(
        "select team, source, columns_json, source_ref from {schema}.tessera_registrations "
        "where asset_id = 'model.shop.orders' and deleted_at is null order by team"
    )
    assert regs == [
        ("finance", "exposure", None, "exposure.shop.revenue_dashboard"),
        ("marketing", "ref", '["amount", "order_id"]', "model.shop.mkt_order_values"),
    ]
    actions = {
        (r[0], r[1])
        for r in project.query("select action, entity_id from {schema}.tessera_audit_log")
    }
    assert {("team_created", "finance"), ("consumer_registered", "model.shop.orders")} <= actions


def test_02_dropping_a_column_waits_only_for_the_teams_that_read_it(scenario: Scenario) -> None:
    project = scenario.project
    # Dropping status: finance (all columns) must answer, marketing (order_id, amount) not.
    _drop_status(project)
    blocked = project.dbt("build", expect=None)
    assert blocked.returncode != 0, str(blocked)
    assert "waiting for: finance\n" in blocked.output.replace("\r", ""), str(blocked)
    assert "team: marketing" not in blocked.output


def test_03_impact_names_consumers_exposures_and_who_is_affected(scenario: Scenario) -> None:
    project = scenario.project
    impact = _json_line(
        project.run_operation("impact", {"model": "orders", "format": "json"}).stdout
    )
    assert impact["owner"] == "core-data"
    assert {(c["team"], c["source"]) for c in impact["consumers"]} == {
        ("finance", "exposure"),
        ("marketing", "ref"),
    }
    assert [e["name"] for e in impact["exposures"]] == ["revenue_dashboard"]
    assert {d["name"] for d in impact["downstream"]} >= {"mkt_order_values", "revenue_dashboard"}
    change = impact["change"]
    assert [a["team"] for a in change["affected"]] == ["finance"]
    assert [a["team"] for a in change["not_affected"]] == ["marketing"]
    assert "status" in change["not_affected"][0]["why"]
    proposal_id = change["proposal_id"]
    assert proposal_id
    scenario.proposal_id = proposal_id


def test_04_the_views_read_the_registry_live(scenario: Scenario) -> None:
    project, proposal_id = scenario.project, scenario.proposal_id
    # The views were built by the first build.
    schema = _views_schema(project)
    for view in VIEWS:
        assert project.query(f"select count(*) from {schema}.{view}")[0][0] > 0, view
    pending = project.query(
        f"select proposal_id, team, latest_response, acknowledge_command "
        f"from {schema}.tessera_pending_acknowledgements"
    )
    assert [(p[0], p[1], p[2]) for p in pending] == [(proposal_id, "finance", None)]
    assert f"proposal_id: {proposal_id}, team: finance" in pending[0][3]
    assert project.query(
        "select status, affected_teams, answered_teams, approved_teams, blocked_teams, "
        f"pending_teams from {schema}.tessera_open_proposals"
    ) == [("pending", 1, 0, 0, 0, 1)]
    assert project.query(
        f"select model_name, version, version_count from {schema}.tessera_latest_contracts "
        "where asset_id = 'model.shop.orders'"
    ) == [("orders", "1.0.0", 1)]
    consumers = project.query(
        f"select team, source, all_columns from {schema}.tessera_consumers "
        "where asset_id = 'model.shop.orders' order by team"
    )
    assert consumers == [("finance", "exposure", True), ("marketing", "ref", False)]


def test_05_an_approval_ships_2_0_0_through_the_proposal(scenario: Scenario) -> None:
    project, proposal_id = scenario.project, scenario.proposal_id
    schema = _views_schema(project)
    project.run_operation(
        "acknowledge", {"proposal_id": proposal_id, "team": "finance", "response": "approved"}
    )
    project.dbt("build", "-s", "orders")  # fct_revenue reads status: left alone here
    history = project.query(
        f"select version, previous_version, proposal_id from {schema}.tessera_contract_history "
        "where asset_id = 'model.shop.orders' order by major"
    )
    assert history == [("1.0.0", None, None), ("2.0.0", "1.0.0", proposal_id)]
    assert project.query(f"select count(*) from {schema}.tessera_pending_acknowledgements") == [
        (0,)
    ]
    assert project.query(f"select count(*) from {schema}.tessera_open_proposals") == [(0,)]
