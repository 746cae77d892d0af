"""Security on DuckDB and PostgreSQL: who may answer, force and withdraw; fail closed.

With ``tessera_enforce_membership`` a person who is not a member of a team cannot answer
for it, a non-admin cannot force, only the owner team's members (or admins) may withdraw;
each refusal names the actor and the rule, fails, and writes one audit row and nothing else;
the build stays blocked until the same person, once a member, answers. On PostgreSQL the
actor is the session's ``current_user`` (a second login role, with the consumer grants of
docs/security.md); on DuckDB it is ``TESSERA_ACTOR``.

Each scenario queues its dbt commands and file writes in a ``Batch`` and runs them in order
(``dbtRunner`` invocations in the test's process, partial parsing between them); exit codes
of the real command line are checked once per refusal kind where it matters.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import DbtProject, run_dbt
from tests.integration.test_gate_support import gate_project, write_model

NewProject = Callable[..., DbtProject]

pytestmark = pytest.mark.slow


@dataclass
class Step:
    """What one queued dbt invocation did."""

    argv: list[str]
    success: bool
    exception: str | None
    messages: list[str]
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """Every message and the exception, one string (for ``in`` checks)."""
        return "\n".join([*self.messages, self.exception or ""])

    @property
    def models_ran(self) -> bool:
        """Whether dbt started any model (the gate must stop a run before that)."""
        return any("START sql" in m for m in self.messages)

    def tessera_lines(self) -> list[str]:
        """Distinct ``tessera.<op>: ...`` lines (an operation's refusal)."""
        return sorted(
            {
                line.strip()
                for line in self.text.splitlines()
                if line.strip().startswith("tessera.") and ": " in line
            }
        )

    def __str__(self) -> str:
        return f"$ dbt {' '.join(self.argv)} -> success={self.success}\n{self.text[-5000:]}"


@dataclass
class Batch:
    """Queue dbt invocations and file writes, then ``run()`` them in order."""

    project: DbtProject
    steps: list[dict[str, Any]] = field(default_factory=list)

    def dbt(self, *argv: str, env: dict[str, str] | None = None) -> int:
        """Queue ``dbt <argv>``; returns the index of its result."""
        self.steps.append({"dbt": list(argv), "env": env or {}})
        return len(self.steps) - 1

    def op(
        self,
        name: str,
        args: dict[str, Any],
        env: dict[str, str] | None = None,
        extra: tuple[str, ...] = (),
    ) -> int:
        """Queue ``dbt run-operation tessera.<name> --args <json>``."""
        return self.dbt(
            "run-operation",
            f"tessera.{name}",
            "--args",
            json.dumps(args, ensure_ascii=False),
            *extra,
            env=env,
        )

    def write(self, rel: str, text: str) -> int:
        """Queue writing a project file (between two dbt invocations)."""
        self.steps.append({"write": str(self.project.dir / rel), "text": text})
        return len(self.steps) - 1

    def sql(self, sql: str) -> int:
        """Queue a statement run as the cluster's superuser in the project's database
        (PostgreSQL; test set-up between two dbt invocations)."""
        assert self.project.pg is not None and self.project.database is not None
        dsn = {
            "host": "127.0.0.1",
            "port": self.project.pg.port,
            "user": self.project.pg.user,
            "dbname": self.project.database,
        }
        self.steps.append({"sql": sql, "dsn": dsn})
        return len(self.steps) - 1

    def run(self) -> list[Step]:
        """Run the queued steps in order in this process; results come back in order.

        Each dbt step is one ``dbtRunner`` invocation in the project folder with the
        project's environment plus the step's; partial parsing carries over between them as
        between processes.
        """
        steps, self.steps = self.steps, []
        out: list[Step] = []
        for step in steps:
            if "sql" in step:
                import psycopg2

                conn = psycopg2.connect(**step["dsn"])
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute(step["sql"])
                conn.close()
                out.append(Step(["<sql>"], True, None, []))
                continue
            if "write" in step:
                path = Path(step["write"])
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(step["text"], encoding="utf-8")
                out.append(Step(["<write>"], True, None, []))
                continue
            messages: list[str] = []
            started = time.monotonic()
            _, res = run_dbt(
                step["dbt"],
                self.project.dir,
                self.project.call_env(step.get("env")),
                callbacks=[lambda e, _m=messages: _m.append(e.info.msg)],
            )
            exc = res.exception
            out.append(
                Step(
                    step["dbt"],
                    bool(res.success),
                    None if exc is None else f"{type(exc).__name__}: {exc}",
                    messages,
                    round(time.monotonic() - started, 2),
                )
            )
        if os.environ.get("TESSERA_TEST_TIMINGS"):
            for r in out:
                print(f"[batch] {r.seconds:6.2f}s {' '.join(r.argv)[:90]}")
        return out


def ok(step: Step) -> Step:
    """Assert a queued invocation succeeded."""
    assert step.success, str(step)
    return step


def refused_line(step: Step) -> str:
    """Assert an invocation failed with ONE tessera line; return it."""
    assert not step.success, str(step)
    lines = step.tessera_lines()
    assert len(lines) == 1, str(step)
    return lines[0]


# -- PostgreSQL roles --------------------------------------------------------------------
def add_role_target(project: DbtProject, target: str, role: str, **overrides: Any) -> None:
    """A second profile target that logs in as ``role`` (the cluster trusts loopback)."""
    path = project.profiles_dir / "profiles.yml"
    profiles = yaml.safe_load(path.read_text())
    outputs = profiles["tessera_test"]["outputs"]
    outputs[target] = {**outputs["dev"], "user": role, **overrides}
    path.write_text(yaml.safe_dump(profiles))


def create_role(project: DbtProject, prefix: str) -> str:
    """A new login role (roles are cluster-wide: the name is unique per test)."""
    assert project.pg is not None
    role = f"{prefix}_{uuid.uuid4().hex[:8]}"
    project.pg.execute(f"create role {role} login")
    return role


def consumer_grants(role: str, schema: str = "tessera") -> str:
    """The consumer grants of docs/security.md (answer, register: run-operation), as SQL."""
    t = f"{schema}."
    return (
        f"grant usage on schema {schema} to {role};\n"
        f"grant select on all tables in schema {schema} to {role};\n"
        f"grant insert on {t}tessera_acknowledgements, {t}tessera_registrations,\n"
        f"  {t}tessera_proposal_teams, {t}tessera_audit_log to {role};\n"
        f"grant update on {t}tessera_proposals, {t}tessera_registrations to {role};"
    )


def ci_grants(role: str, schema: str = "tessera") -> str:
    """The CI grants of docs/security.md (`tessera check`: read only), as SQL."""
    return (
        f"grant usage on schema {schema} to {role};\n"
        f"grant select on all tables in schema {schema} to {role};"
    )


def producer_grants(role: str, schema: str = "tessera") -> str:
    """The grants of docs/security.md for a producer that does not own the registry
    (build and publish), as SQL."""
    return (
        f"grant usage on schema {schema} to {role};\n"
        f"grant select, insert, update on all tables in schema {schema} to {role};\n"
        f"grant delete on {schema}.tessera_checks to {role};\n"
        f"revoke update on {schema}.tessera_audit_log from {role};"
    )


def rows_by_table(project: DbtProject) -> dict[str, int]:
    """Row count of every registry table the operations write."""
    tables = (
        "tessera_teams",
        "tessera_team_members",
        "tessera_registrations",
        "tessera_proposals",
        "tessera_proposal_teams",
        "tessera_acknowledgements",
        "tessera_contracts",
        "tessera_audit_log",
    )
    return {t: project.count(t) for t in tables}


def edited_files(project: DbtProject, edits: Callable[[], Any]) -> dict[str, str]:
    """The model files as ``edits`` leaves them (only those it changes); on disk they stay
    as they were, so a ``Batch`` can write them between two invocations."""
    names = [str(f.relative_to(project.dir)) for f in sorted((project.dir / "models").rglob("*"))]
    before = {n: (project.dir / n).read_text() for n in names if (project.dir / n).is_file()}
    edits()
    after = {n: (project.dir / n).read_text() for n in before}
    for name, text in before.items():
        (project.dir / name).write_text(text)
    return {n: t for n, t in after.items() if t != before[n]}


ORDERS, CUSTOMERS = "model.gate.orders", "model.gate.customers"
ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")
CUSTOMER_ID = ("customer_id", "integer", "cast(1 as integer)")
STATUS = ("status", "varchar(20)", "cast('placed' as varchar(20))")
NOTE = ("note", "varchar(10)", "cast(null as varchar(10))")
BUILD = ("build", "-s", "package:gate")


def test_membership_rules(adapter: str, new_project: NewProject) -> None:
    """A non-member cannot answer, force, withdraw or register; the build stays blocked;
    once a member the same person answers and the build ships."""
    p = gate_project(new_project, adapter)
    if adapter == "postgres":
        admin, person = "postgres", create_role(p, "mallory")
        add_role_target(p, "person", person)
        as_admin: dict[str, str] = {}
        # Its own target path: switching targets keeps partial parsing for both.
        as_person = {"DBT_TARGET": "person", "DBT_TARGET_PATH": "target-person"}
    else:
        admin, person = "ann", "mallory"
        as_admin, as_person = {"TESSERA_ACTOR": admin}, {"TESSERA_ACTOR": person}
    project_yml = p.read_yaml("dbt_project.yml")
    project_yml["vars"] = {"tessera_enforce_membership": True, "tessera_admins": [admin]}
    p.write_yaml("dbt_project.yml", project_yml)
    yml = "models/_models.yml"
    original_yml = (p.dir / yml).read_text()
    original_customers = (p.dir / "models/customers.sql").read_text()
    # Two breaking changes: a consumed column dropped from orders and from customers.
    breaking = edited_files(
        p,
        lambda: (
            write_model(p, "orders", [ORDER_ID, AMOUNT]),
            write_model(p, "customers", [CUSTOMER_ID]),
        ),
    )

    # 1. The admin's first build publishes; growth consumes orders and customers; the two
    #    breaking changes block the build. 2. The person, a member of no team, tries every
    #    rule (by model: each has one open proposal); the build is still blocked.
    b = Batch(p)
    b.dbt(*BUILD, env=as_admin)
    b.dbt(
        "run-operation",
        "gate_setup",
        "--args",
        json.dumps({"team": "growth", "models": ["orders", "customers"]}),
        env=as_admin,
    )
    if adapter == "postgres":
        b.sql(consumer_grants(person))
    for name, text in breaking.items():
        b.write(name, text)
    blocked_at = b.dbt(*BUILD, env=as_admin)
    refusals = [
        (
            "acknowledge",
            {"model": "orders", "team": "growth", "response": "approved"},
            'a member of team "growth"',
        ),
        ("force", {"model": "orders", "reason": "we need it"}, "tessera_admins"),
        ("withdraw", {"model": "customers", "reason": "no"}, 'owner team "core-data"'),
        ("register_consumer", {"model": "solo", "team": "growth"}, 'a member of team "growth"'),
    ]
    reading = b.dbt("run-operation", "tessera.status", env=as_person)
    for name, args, _ in refusals:
        b.op(name, args, env=as_person)
    b.dbt(*BUILD, env=as_admin)
    results = b.run()
    for step in results[:blocked_at]:
        ok(step)
    blocked = results[blocked_at]
    assert not blocked.success and not blocked.models_ran, str(blocked)
    assert "Tessera blocked this run" in blocked.text
    ok(results[reading])  # anyone with the grants may read
    *answers, still_blocked = results[reading + 1 :]
    for (name, _, rule), step in zip(refusals, answers, strict=True):
        line = refused_line(step)
        assert line.startswith(f"tessera.{name}: actor = {json.dumps(person)} is not allowed"), line
        assert rule in line, (rule, line)
    assert not still_blocked.success and not still_blocked.models_ran, str(still_blocked)

    # Nothing written but one audit row per refusal: no member, no answer, no registration
    # of solo, both proposals still pending.
    pids = dict(p.query("select asset_id, proposal_id from {schema}.tessera_proposals"))
    orders_pid, customers_pid = pids[ORDERS], pids[CUSTOMERS]
    counts = rows_by_table(p)
    assert counts["tessera_team_members"] == 0 and counts["tessera_acknowledgements"] == 0
    assert p.query(
        "select asset_id, team from {schema}.tessera_registrations order by asset_id"
    ) == [(CUSTOMERS, "growth"), (ORDERS, "growth")]
    assert p.query(
        "select proposal_id, status, resolved_at from {schema}.tessera_proposals order by 1"
    ) == sorted([(orders_pid, "pending", None), (customers_pid, "pending", None)])
    audit = p.query(
        "select actor, entity_id, details_json from {schema}.tessera_audit_log "
        "where action = 'authorization_refused' order by occurred_at"
    )
    assert [(a, e) for a, e, _ in audit] == [
        (person, orders_pid),
        (person, orders_pid),
        (person, customers_pid),
        (person, "model.gate.solo"),
    ]
    assert [json.loads(d)["operation"] for *_, d in audit] == [r[0] for r in refusals]
    assert [json.loads(d)["rule"] for *_, d in audit] == ["member", "force", "owner", "member"]

    # 3. The real command line (PostgreSQL: the real login): exit 1 and the same single
    #    line; again only an audit row.
    if adapter == "postgres":
        _cli_refusal(p, orders_pid, person, as_person, counts)

    # 4. The admin adds the person to growth and to the owner team (role member). A member
    #    answers; a member is still not an admin (force); an owner-team member withdraws.
    #    The customers change is reverted; the orders change ships.
    b.op("add_team_member", {"team": "growth", "principal": person}, env=as_admin)
    b.op("add_team_member", {"team": "core-data", "principal": person}, env=as_admin)
    b.op(
        "acknowledge",
        {"proposal_id": orders_pid, "team": "growth", "response": "approved"},
        env=as_person,
    )
    forced = b.op("force", {"proposal_id": customers_pid, "reason": "urgent"}, env=as_person)
    b.op("withdraw", {"proposal_id": customers_pid, "reason": "rethinking"}, env=as_person)
    b.write("models/customers.sql", original_customers)
    b.write(yml, _with_entry(breaking[yml], original_yml, "customers"))
    shipped_at = b.dbt(*BUILD, env=as_admin)
    results = b.run()
    for i, step in enumerate(results):
        if i != forced:
            ok(step)
    assert "tessera_admins" in refused_line(results[forced])
    shipped = results[shipped_at]
    assert "published model.gate.orders 2.0.0" in shipped.text, str(shipped)
    assert p.query(
        "select team, response, acknowledged_by from {schema}.tessera_acknowledgements"
    ) == [("growth", "approved", person)]
    statuses = dict(p.query("select proposal_id, status from {schema}.tessera_proposals"))
    assert statuses == {orders_pid: "published", customers_pid: "withdrawn"}


def _cli_refusal(
    p: DbtProject, orders_pid: str, person: str, as_person: dict[str, str], counts: dict[str, int]
) -> None:
    """The real ``dbt run-operation`` refuses with exit 1 and one line; only an audit row
    (subprocess: the executable's exit code is the point)."""
    res = p.run_operation(
        "acknowledge",
        {"proposal_id": orders_pid, "team": "growth", "response": "approved"},
        expect=1,
        env=as_person,
        subprocess=True,
    )
    lines = {ln.strip() for ln in res.output.splitlines() if ln.strip().startswith("tessera.")}
    assert len(lines) == 1 and f"actor = {json.dumps(person)}" in lines.pop(), str(res)
    again = rows_by_table(p)
    assert again["tessera_audit_log"] == counts["tessera_audit_log"] + 1
    assert {k: v for k, v in again.items() if k != "tessera_audit_log"} == {
        k: v for k, v in counts.items() if k != "tessera_audit_log"
    }


def _with_entry(edited_yml: str, original_yml: str, model: str) -> str:
    """``edited_yml`` with the entry of ``model`` as it is in ``original_yml``."""
    edited = yaml.safe_load(edited_yml)
    entry = next(m for m in yaml.safe_load(original_yml)["models"] if m["name"] == model)
    edited["models"] = [entry if m["name"] == model else m for m in edited["models"]]
    return yaml.safe_dump(edited, sort_keys=False)


# -- fail closed ---------------------------------------------------------------------------
# test_gate_flow covers a tessera_database that does not exist (both adapters, `dbt run`)
# and tessera_fail_open; these cover a registry the session cannot create or read.
CANNOT_READ = "Tessera cannot read its registry"


def _assert_fails_closed(step: Step, *needles: str) -> None:
    assert not step.success and not step.models_ran, str(step)
    assert CANNOT_READ in step.text, str(step)
    assert "tessera_fail_open" in step.text, str(step)
    for needle in needles:
        assert needle in step.text, (needle, str(step))


@pytest.mark.postgres
def test_fails_closed_without_rights_on_postgres(new_project: NewProject) -> None:
    """A role without CREATE on the database (registry missing), then a role that may not
    read the registry: `dbt build` fails before any model runs, saying which registry, why
    and what to change. With the CI grants of docs/security.md (SELECT) the same role runs
    `tessera check` and writes nothing; with the producer grants it builds and publishes."""
    p = gate_project(new_project, "postgres")
    assert p.pg is not None
    role = create_role(p, "builder")
    p.pg.execute(f"create schema builder_models authorization {role}", dbname=p.database)
    add_role_target(p, "builder", role, schema="builder_models")
    as_role = {"DBT_TARGET": "builder", "DBT_TARGET_PATH": "target-builder"}
    b = Batch(p)
    no_create = b.dbt(*BUILD, env=as_role)
    b.dbt(*BUILD)  # the registry's owner (the superuser here) creates it and publishes
    b.sql(f"grant usage on schema tessera to {role}")
    no_select = b.dbt(*BUILD, env=as_role)
    b.sql(ci_grants(role))
    results = b.run()
    registry = f'"{p.database}"."tessera"'
    _assert_fails_closed(results[no_create], registry, "permission denied", "tessera_database")
    ok(results[no_create + 1])
    _assert_fails_closed(results[no_select], registry, "permission denied")
    # The read-only CI role checks the project without writing anything.
    before = p.count("tessera_checks")
    check = p.tessera("check", "--target", "builder", "--format", "json")
    assert json.loads(check.stdout)["passed"] is True, str(check)
    assert p.count("tessera_checks") == before
    # With the producer grants the role builds, and publishes an additive change.
    additive = edited_files(p, lambda: write_model(p, "orders", [ORDER_ID, AMOUNT, STATUS, NOTE]))
    b.sql(producer_grants(role))
    for name, text in additive.items():
        b.write(name, text)
    b.dbt(*BUILD, env=as_role)
    *_, shipped = b.run()
    ok(shipped)
    assert "published model.gate.orders 1.1.0" in shipped.text, str(shipped)
    assert p.query(
        "select published_by from {schema}.tessera_contracts where version = '1.1.0'"
    ) == [(role,)]


def test_fails_closed_on_a_read_only_registry_on_duckdb(new_project: NewProject) -> None:
    """DuckDB: tessera_database names an attached read-only catalog where the registry does
    not exist and cannot be created: `dbt build` fails before any model runs."""
    import duckdb

    p = gate_project(new_project, "duckdb")
    registry_file = p.dir / "registry.duckdb"
    duckdb.connect(str(registry_file)).close()
    path = p.profiles_dir / "profiles.yml"
    profiles = yaml.safe_load(path.read_text())
    profiles["tessera_test"]["outputs"]["dev"]["attach"] = [
        {"path": str(registry_file), "alias": "reg", "read_only": True}
    ]
    path.write_text(yaml.safe_dump(profiles))
    b = Batch(p)
    b.dbt(*BUILD, "--vars", "{tessera_database: reg}")
    (step,) = b.run()
    _assert_fails_closed(step, '"reg"."tessera"', "read-only", "tessera_database")
