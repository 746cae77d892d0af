"""The gate holds: no dbt command path ships an unacknowledged breaking change silently.

Each test is one way around the gate that used to work (dbt clone, dbt retry, relaxing the
mode, changing who owns or consumes, --no-write-json with tessera_fail_open, an answer
given while the models run, two builds publishing one version, a reverted change). Real
dbt against real DuckDB files; PostgreSQL where the hole is about concurrent writers.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable

import pytest
import yaml

from tests.harness import DbtProject
from tests.integration.test_gate_support import (
    gate_project,
    model_spec,
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

ORDERS = "model.gate.orders"
ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")


def _consumed(new_project: Callable[..., DbtProject], adapter: str = "duckdb") -> DbtProject:
    """The gate project, published once, with team growth consuming orders."""
    p = gate_project(new_project, adapter)
    p.dbt("run")
    setup_consumers(p, "growth", ["orders"])
    return p


def _break_orders(p: DbtProject) -> None:
    """Drop orders.status: breaking for growth."""
    write_model(p, "orders", [ORDER_ID, AMOUNT])


def _root_hook(p: DbtProject, on_run_end: str) -> None:
    """Give the project an on-run-end hook (the root project's hooks run before Tessera's)."""
    data = yaml.safe_load((p.dir / "dbt_project.yml").read_text())
    data["on-run-end"] = [on_run_end]
    (p.dir / "dbt_project.yml").write_text(yaml.safe_dump(data, sort_keys=False))


def test_clone_of_a_blocked_model_is_refused_before_cloning(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    state = p.dir / "prod-state"
    shutil.copytree(p.dir / "target", state)
    _break_orders(p)
    cloned = p.dbt("clone", "--state", str(state), expect=None)
    assert cloned.returncode != 0, cloned
    # The plugin's refusal (the in-process runner keeps the verdict line, not the exception).
    assert "1 blocked" in cloned.output
    assert "Completed successfully" not in cloned.output
    # Another model alone may be cloned: the selection names it plainly.
    p.dbt("clone", "--state", str(state), "-s", "other")


def test_retry_with_a_blocked_change_is_refused(new_project: Callable[..., DbtProject]) -> None:
    p = _consumed(new_project)
    p.write("models/other.sql", "select * from a_table_that_does_not_exist\n")
    failed = p.dbt("run", expect=None)
    assert failed.returncode != 0
    p.write("models/other.sql", "select 1 as id\n")
    _break_orders(p)
    retried = p.dbt("retry", expect=None)
    assert retried.returncode != 0 and not models_ran(retried), retried
    assert "Tessera blocked this run" in retried.output
    assert published(p)[ORDERS] == ["1.0.0"]


@pytest.mark.parametrize("how", ["vars", "meta"])
def test_relaxing_the_mode_does_not_ship_a_breaking_change(
    new_project: Callable[..., DbtProject], how: str
) -> None:
    p = _consumed(new_project)
    _break_orders(p)
    args: list[str] = []
    if how == "vars":
        args = ["--vars", "{tessera_default_compatibility: none}"]
    else:
        spec = model_spec(p, "orders")
        spec["config"]["meta"]["tessera"]["compatibility"] = "none"
        write_model(p, "orders", [ORDER_ID, AMOUNT], yml=spec)
    for _ in range(2):  # the first blocked build must not have changed what the next judges
        blocked = p.dbt("run", *args, expect=None)
        assert blocked.returncode != 0 and not models_ran(blocked), blocked
        assert "compatibility mode relaxed from backward to none" in blocked.output
    assert verdicts(p)[ORDERS] == "blocked"
    assert published(p)[ORDERS] == ["1.0.0"]


def test_relaxing_the_mode_alone_is_acknowledged_then_published(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    blocked = p.dbt("run", "--vars", "{tessera_default_compatibility: none}", expect=None)
    assert blocked.returncode != 0 and "compatibility mode relaxed" in blocked.output
    pid = open_proposal(p, ORDERS)
    ops(p, ("acknowledge", {"proposal_id": pid, "team": "growth", "response": "approved"}))
    p.dbt("run", "--vars", "{tessera_default_compatibility: none}")
    assert published(p)[ORDERS] == ["1.0.0", "1.1.0"]
    assert p.query(
        "select compatibility from {schema}.tessera_contracts "
        f"where asset_id = '{ORDERS}' and version = '1.1.0'"
    ) == [("none",)]


def test_owner_change_or_removed_registration_never_closes_a_proposal(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    _break_orders(p)
    p.dbt("run", expect=None)
    pid = open_proposal(p, ORDERS)
    # The consumer becomes the owner: it still owes its answer.
    spec = model_spec(p, "orders")
    spec["config"]["meta"]["tessera"]["owner"] = "growth"
    write_model(p, "orders", [ORDER_ID, AMOUNT], yml=spec)
    owned = p.dbt("run", expect=None)
    assert owned.returncode != 0 and not models_ran(owned), owned
    assert verdicts(p)[ORDERS] == "blocked" and open_proposal(p, ORDERS) == pid
    # The registration that made growth affected is removed: still owed.
    spec["config"]["meta"]["tessera"]["owner"] = "core-data"
    write_model(p, "orders", [ORDER_ID, AMOUNT], yml=spec)
    ops(p, ("unregister_consumer", {"model": "orders", "team": "growth"}))
    gone = p.dbt("run", expect=None)
    assert gone.returncode != 0 and not models_ran(gone), gone
    assert proposals(p)[pid][1] == "pending"
    assert published(p)[ORDERS] == ["1.0.0"]


def test_no_write_json_fails_closed_under_fail_open_when_the_registry_is_reachable(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    _break_orders(p)
    run = p.dbt("run", "--no-write-json", "--vars", "{tessera_fail_open: true}", expect=None)
    assert run.returncode != 0 and not models_ran(run), run
    assert "tessera_fail_open does not apply" in run.output
    # Unreachable: fail-open lets it through, and one line says what was not checked.
    down = "{tessera_database: nowhere_db, tessera_fail_open: true}"
    opened = p.dbt("run", "-s", "other", "--vars", down)
    assert "Tessera did NOT gate this run" in opened.output
    assert "nothing will be published" in opened.output


def test_a_reverted_change_supersedes_its_proposal(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    original = (p.dir / "models" / "orders.sql").read_text()
    original_yml = (p.dir / "models" / "_models.yml").read_text()
    _break_orders(p)
    p.dbt("run", expect=None)
    pid = open_proposal(p, ORDERS)
    p.write("models/orders.sql", original)
    p.write("models/_models.yml", original_yml)
    p.dbt("run")
    assert proposals(p)[pid][1] == "superseded"
    rows = p.query(
        "select details_json from {schema}.tessera_audit_log "
        f"where action = 'proposal_superseded' and entity_id = '{pid}'"
    )
    assert len(rows) == 1 and "reverted" in json.loads(rows[0][0])["reason"]


def test_an_answer_given_while_the_models_run_is_not_overridden(
    adapter: str, new_project: Callable[..., DbtProject]
) -> None:
    p = _consumed(new_project, adapter)
    _break_orders(p)
    p.dbt("run", expect=None)
    pid = open_proposal(p, ORDERS)
    ops(p, ("acknowledge", {"proposal_id": pid, "team": "growth", "response": "approved"}))
    # growth changes its mind after the gate let the run through, before the publish step.
    _root_hook(
        p,
        "{% if flags.WHICH == 'run' %}{{ tessera.acknowledge(proposal_id='"
        + pid
        + "', team='growth', response='blocked', note='changed our mind') }}{% endif %}",
    )
    run = p.dbt("run", expect=None)
    assert run.returncode != 0, run
    assert f"proposal {pid} lost its approval" in run.output
    assert published(p)[ORDERS] == ["1.0.0"]
    assert proposals(p)[pid][1] == "rejected"
    assert p.query(
        "select count(*) from {schema}.tessera_audit_log "
        f"where action = 'publish_refused' and entity_id = '{ORDERS}'"
    ) == [(1,)]


def test_two_builds_publishing_different_contracts_at_one_version_fail_loudly(
    adapter: str, new_project: Callable[..., DbtProject]
) -> None:
    p = gate_project(new_project, adapter)
    p.dbt("run")
    write_model(
        p, "orders", [ORDER_ID, AMOUNT, ("status", "varchar(20)", "'x'"), ("n", "integer", "1")]
    )
    # Another build publishes a different 1.1.0 of orders while this one runs.
    _root_hook(
        p,
        "{% if flags.WHICH == 'run' %}{% call statement('x', auto_begin=true) %}"
        "insert into {{ tessera.registry_relation('tessera_contracts') }} "
        "(asset_id, version, major, minor, patch, fingerprint) "
        f"values ('{ORDERS}', '1.1.0', 1, 1, 0, 'another'){{% endcall %}}"
        "{% do adapter.commit() %}{% endif %}",
    )
    run = p.dbt("run", expect=None)
    assert run.returncode != 0, run
    assert "another build published a different contract as version 1.1.0" in run.output
    fps = p.query(
        "select fingerprint from {schema}.tessera_contracts "
        f"where asset_id = '{ORDERS}' and version = '1.1.0'"
    )
    assert fps == [("another",)]


def test_a_yaml_date_argument_gets_the_one_line_refusal(
    new_project: Callable[..., DbtProject],
) -> None:
    p = gate_project(new_project, "duckdb")
    res = p.dbt("run-operation", "tessera.create_team", "--args", "{name: 2024-01-01}", expect=1)
    assert 'tessera.create_team: name = "2024-01-01" is not a string' in res.output, res
    assert "Traceback" not in res.output


def test_delete_team_refuses_while_the_team_owes_answers_or_consumes(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    _break_orders(p)
    p.dbt("run", expect=None)
    pid = open_proposal(p, ORDERS)
    refused = p.run_operation("delete_team", {"name": "growth"}, expect=1)
    assert f"still owes an answer to proposal(s) {pid}" in refused.output, refused
    assert f"has active registrations on {ORDERS}" in refused.output
    ops(
        p,
        ("unregister_consumer", {"model": "orders", "team": "growth"}),
        ("withdraw", {"proposal_id": pid, "reason": "rethinking"}),
    )
    p.run_operation("delete_team", {"name": "growth"})
    assert p.query(
        "select deleted_at is not null from {schema}.tessera_teams where name = 'growth'"
    ) == [(True,)]


def test_a_passed_deprecation_date_announces_the_retirement(
    new_project: Callable[..., DbtProject],
) -> None:
    p = _consumed(new_project)
    spec = model_spec(p, "orders")
    original = (p.dir / "models" / "orders.sql").read_text()

    def remove_orders() -> None:
        (p.dir / "models" / "orders.sql").unlink()
        data = p.read_yaml("models/_models.yml")
        data["models"] = [m for m in data["models"] if m["name"] != "orders"]
        p.write_yaml("models/_models.yml", data)

    # Before the date, the removal waits for answers and the message names the date.
    write_model(
        p,
        "orders",
        [ORDER_ID, AMOUNT, ("status", "varchar(20)", "'x'")],
        yml={**spec, "deprecation_date": "2999-01-01"},
    )
    p.dbt("run")
    remove_orders()
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0 and "before its deprecation_date 2999-01-01" in blocked.output
    # The date has passed: the build retires it and announces it, once.
    p.write("models/orders.sql", original)
    write_model(
        p,
        "orders",
        [ORDER_ID, AMOUNT, ("status", "varchar(20)", "'x'")],
        yml={**spec, "deprecation_date": "2001-01-01"},
    )
    p.dbt("run")
    remove_orders()
    p.dbt("run")
    assert verdicts(p)[ORDERS] == "retired"
    rows = p.query(
        "select details_json from {schema}.tessera_audit_log "
        f"where action = 'asset_retired' and entity_id = '{ORDERS}'"
    )
    assert len(rows) == 1, rows
    details = json.loads(rows[0][0])
    assert details["consumers"] == ["growth"] and details["deprecation_date"].startswith(
        "2001-01-01"
    )
    p.dbt("run")
    assert p.count("tessera_audit_log where action = 'asset_retired'") == 1


def test_a_table_replaced_outside_the_gate_is_reported_as_drift(
    adapter: str, new_project: Callable[..., DbtProject]
) -> None:
    p = gate_project(new_project, adapter)
    p.dbt("run")
    schema = "main" if adapter == "duckdb" else "analytics"
    # A producer with write grants replaces the table by hand (no gate can see this).
    p.execute(f"drop table {schema}.orders")
    p.execute(f"create table {schema}.orders as select 1 as order_id, 'x' as note")
    run = p.dbt("run", "-s", "other")
    line = next(ln for ln in run.output.splitlines() if "Tessera: drift: orders" in ln)
    assert "column amount is missing" in line and "column note is not in the contract" in line
    assert "customers" not in "".join(ln for ln in run.output.splitlines() if "drift:" in ln)
    rows = p.query(
        "select details_json from {schema}.tessera_audit_log where action = 'drift_detected'"
    )
    assert len(rows) == 1 and json.loads(rows[0][0])["asset_id"] == ORDERS
    check = p.tessera("check", "--format", "json", expect=None)
    report = json.loads(check.stdout[check.stdout.index("{") :])
    by_id = {d["asset_id"]: d for d in report["decisions"]}
    assert by_id[ORDERS]["verdict"] == "drift" and by_id[ORDERS]["drift"]


def test_a_renamed_project_continues_its_assets_by_relation(
    new_project: Callable[..., DbtProject],
) -> None:
    p = gate_project(new_project, "duckdb")
    p.dbt("run")
    setup_consumers(p, "growth", ["orders", "customers"])
    text = (p.dir / "dbt_project.yml").read_text()
    p.write(
        "dbt_project.yml", text.replace("name: gate", "name: shop").replace("  gate:", "  shop:")
    )
    p.dbt("run")
    new_orders = "model.shop.orders"
    assert verdicts(p)[new_orders] == "unchanged", verdicts(p)
    assert published(p)[new_orders] == ["1.0.0"]
    assert p.query(
        "select team from {schema}.tessera_registrations "
        f"where asset_id = '{new_orders}' and deleted_at is null"
    ) == [("growth",)]
    # Under its new name, a breaking change still waits for growth; a removed model of the
    # old name is reported removed.
    _break_orders(p)
    (p.dir / "models" / "customers.sql").unlink()
    data = p.read_yaml("models/_models.yml")
    data["models"] = [m for m in data["models"] if m["name"] != "customers"]
    p.write_yaml("models/_models.yml", data)
    blocked = p.dbt("run", expect=None)
    assert blocked.returncode != 0 and not models_ran(blocked), blocked
    assert verdicts(p)[new_orders] == "blocked"
    assert "model customers was deleted or renamed" in blocked.output


@pytest.mark.postgres
def test_the_documented_owner_setup_builds_the_first_time(
    new_project: Callable[..., DbtProject],
) -> None:
    from tests.integration.test_security import add_role_target, create_role

    p = gate_project(new_project, "postgres")
    role = create_role(p, "prod")
    # docs/security.md: an administrator creates the schemas for the production role, which
    # has no CREATE on the database.
    p.execute(
        f"create schema tessera authorization {role}; "
        f"create schema analytics authorization {role}; "
        f"create schema analytics_tessera authorization {role}"
    )
    add_role_target(p, "prod", role)
    p.dbt("run", "--target", "prod")
    assert published(p)[ORDERS] == ["1.0.0"]
    assert p.query("select distinct published_by from {schema}.tessera_contracts") == [(role,)]


def test_a_forged_answer_does_not_count_when_membership_is_enforced(
    new_project: Callable[..., DbtProject],
) -> None:
    p = gate_project(new_project, "duckdb")
    p.env["TESSERA_ACTOR"] = "ann"
    data = yaml.safe_load((p.dir / "dbt_project.yml").read_text())
    data["vars"] = {"tessera_enforce_membership": True, "tessera_admins": ["ann"]}
    (p.dir / "dbt_project.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    p.dbt("run")
    setup_consumers(p, "growth", ["orders"])
    ops(p, ("add_team_member", {"team": "growth", "principal": "alice"}))
    _break_orders(p)
    p.dbt("run", expect=None)
    pid = open_proposal(p, ORDERS)
    # Someone with write access to the table answers for growth around the operation.
    p.execute(
        "insert into {schema}.tessera_acknowledgements (ack_id, proposal_id, team, response, "
        f"acknowledged_by, acknowledged_at) values ('forged', '{pid}', 'growth', 'approved', "
        "'mallory', current_timestamp)"
    )
    still = p.dbt("run", expect=None)
    assert still.returncode != 0 and not models_ran(still), still
    assert "waiting for: growth" in still.output
    # A member's answer counts.
    p.run_operation(
        "acknowledge",
        {"proposal_id": pid, "team": "growth", "response": "approved"},
        env={"TESSERA_ACTOR": "alice"},
    )
    p.dbt("run")
    assert published(p)[ORDERS] == ["1.0.0", "2.0.0"]


@pytest.mark.postgres
def test_consumers_cannot_write_answers_or_audit_rows_in_another_name(
    new_project: Callable[..., DbtProject],
) -> None:
    from tests.integration.test_security import consumer_grants, create_role, producer_grants

    p = gate_project(new_project, "postgres")
    p.dbt("run")
    setup_consumers(p, "growth", ["orders"])
    _break_orders(p)
    p.dbt("run", expect=None)
    pid = open_proposal(p, ORDERS)
    consumer, producer = create_role(p, "bob"), create_role(p, "other_prod")
    p.execute(consumer_grants(consumer) + "\n" + producer_grants(producer))
    assert p.pg is not None and p.database is not None
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=p.pg.port, user=consumer, dbname=p.database)
    conn.autocommit = True
    with conn, conn.cursor() as cur:
        cur.execute(
            "insert into tessera.tessera_acknowledgements (ack_id, proposal_id, team, response,"
            " acknowledged_by, acknowledged_at) values ('x', %s, 'growth', 'approved', 'alice',"
            " now())",
            (pid,),
        )
        cur.execute(
            "insert into tessera.tessera_audit_log (event_id, actor, action, entity_type,"
            " entity_id) values ('e-forged', 'alice', 'proposal_acknowledged', 'proposal', %s)",
            (pid,),
        )
    conn.close()
    assert p.query(
        "select acknowledged_by from {schema}.tessera_acknowledgements where ack_id = 'x'"
    ) == [(consumer,)]
    assert p.query("select actor from {schema}.tessera_audit_log where event_id = 'e-forged'") == [
        (consumer,)
    ]
    # The documented producer grants leave the audit log insert-only.
    conn = psycopg2.connect(host="127.0.0.1", port=p.pg.port, user=producer, dbname=p.database)
    conn.autocommit = True
    for sql in (
        "update tessera.tessera_audit_log set actor = 'x'",
        "delete from tessera.tessera_audit_log",
    ):
        with conn.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute(sql)
    conn.close()
