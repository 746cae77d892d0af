"""``tessera notify`` end to end, on DuckDB and PostgreSQL, against real HTTP receivers.

One scenario per adapter, one step per test on a module-scoped project (a failing step skips
the later ones, saying so): the shop project builds, a team registers on orders, a column is
dropped and ``dbt build`` is blocked. Then ``tessera notify`` runs four times against five
endpoints configured in ``tessera_webhooks``: a receiver that fails its first two requests
and then accepts, a Slack-format receiver, a receiver that accepts connections but never
answers, an ftp:// URL and a link-local (metadata) URL.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tessera_dbt.notify.webhooks import NOTIFYING_ACTIONS
from tests.harness import DbtProject, DbtResult
from tests.unit.test_notify import Receiver, Silent

pytestmark = [pytest.mark.slow, pytest.mark.steps]

SECRET_ENV = "TESSERA_IT_HOOK_SECRET"
# A long backoff: however slow the machine, run 2 comes before the retry is due.
SLOW = ("--backoff-seconds", "3600")
SETUP_MACRO = """
{% macro notify_setup(team, model) %}
    {%- do tessera.create_team(name=team) -%}
    {%- do tessera.register_consumer(model=model, team=team) -%}
{% endmacro %}
"""


def _drop_status_from_orders(p: DbtProject) -> None:
    sql = p.dir / "models" / "marts" / "orders.sql"
    text = sql.read_text()
    assert ",\n    cast(status as varchar(20)) as status" in text
    sql.write_text(text.replace(",\n    cast(status as varchar(20)) as status", ""))
    doc = p.read_yaml("models/marts/_marts.yml")
    for model in doc["models"]:
        if model["name"] == "orders":
            model["columns"] = [c for c in model["columns"] if c["name"] != "status"]
    p.write_yaml("models/marts/_marts.yml", doc)


def _registry_text(p: DbtProject) -> str:
    """Every row of every table in the registry schema, as text."""
    tables = p.query(
        "select table_name from information_schema.tables where table_schema = '{schema}'"
    )
    assert len(tables) >= 12, tables
    return "\n".join(repr(p.query(f"select * from {{schema}}.{t[0]}")) for t in tables)


def _files_containing(root: Path, needle: bytes) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            hits.append(str(path.relative_to(root)))
    return hits


@dataclass
class Scenario:
    """The project, the receivers, and what one step hands to the next."""

    p: DbtProject
    hooks: Receiver
    slack: Receiver
    silent: Silent
    odd: Receiver
    odd_url: str
    secret: str
    pid: str = ""
    run1: DbtResult | None = None

    @property
    def env(self) -> dict[str, str]:
        return {SECRET_ENV: self.secret}


@pytest.fixture(scope="module")
def scenario(module_adapter: str, module_project: Callable[..., DbtProject]) -> Iterator[Scenario]:
    hooks, slack, silent = Receiver(fail_first=2).start(), Receiver().start(), Silent()
    odd = Receiver().start()  # a URL and event names that need escaping on their way to SQL
    odd_url = odd.url.replace("/hooks/tessera", "/o'brien\\x;--/tail")
    secret = "tessera-it-" + secrets.token_hex(16)
    try:
        p = module_project(module_adapter)
        yield Scenario(p, hooks, slack, silent, odd, odd_url, secret)
    finally:
        for server in (hooks, slack, silent, odd):
            server.stop()


def test_01_a_blocked_breaking_change(scenario: Scenario) -> None:
    p, hooks, slack, silent = scenario.p, scenario.hooks, scenario.slack, scenario.silent
    project = p.read_yaml("dbt_project.yml")
    project["vars"] = {
        "tessera_webhooks": [
            {"url": hooks.url, "secret_env": SECRET_ENV, "events": "*"},
            {
                "url": slack.url + "/T000/B000/slacktoken",
                "format": "slack",
                "events": ["proposal_opened"],
            },
            {"url": silent.url, "secret_env": SECRET_ENV, "events": ["proposal_opened"]},
            {
                "url": scenario.odd_url,
                "secret_env": SECRET_ENV,
                "events": ["proposal_opened", "it's \\ odd'); drop table x; --"],
            },
            {"url": "ftp://127.0.0.1/upload", "secret_env": SECRET_ENV},
            {"url": "http://169.254.169.254/latest/meta-data/", "secret_env": SECRET_ENV},
        ]
    }
    p.write_yaml("dbt_project.yml", project)
    p.write("macros/notify_setup.sql", SETUP_MACRO)

    # Build, a consumer registers, a column goes, the build blocks.
    p.dbt("build")
    p.dbt(
        "run-operation",
        "notify_setup",
        "--args",
        json.dumps({"team": "growth", "model": "orders"}),
    )
    _drop_status_from_orders(p)
    assert p.dbt("build", expect=None).returncode != 0
    (pid,) = p.query(
        "select proposal_id from {schema}.tessera_proposals where asset_id = 'model.shop.orders'"
    )[0]
    scenario.pid = pid


def test_02_the_first_run_stops_at_a_failing_endpoint_and_refuses_unsafe_urls(
    scenario: Scenario,
) -> None:
    p, hooks, slack = scenario.p, scenario.hooks, scenario.slack
    # The receiver fails (500), so the run stops at that endpoint; the silent one times
    # out; the ftp:// and link-local endpoints are refused. Exit 1.
    run1 = p.tessera("notify", "--timeout", "1", *SLOW, expect=1, env=scenario.env)
    scenario.run1 = run1
    assert "[4] ftp://127.0.0.1/upload (generic): refused: only http:// and https://" in run1.output
    assert "[5] http://169.254.169.254/latest/... (generic): refused:" in run1.output
    assert "timed out after 1s" in run1.output
    assert [r.status for r in hooks.requests] == [500]
    assert len(slack.requests) == 1 and slack.requests[0].status == 200


def test_03_a_failed_event_waits_for_its_backoff(scenario: Scenario) -> None:
    p, hooks = scenario.p, scenario.hooks
    # No --retry-now: the failed event waits for its backoff; the next one fails.
    p.tessera("notify", "--timeout", "1", *SLOW, expect=1, env=scenario.env)
    assert [r.status for r in hooks.requests] == [500, 500]
    assert hooks.requests[0].event_id != hooks.requests[1].event_id


def test_04_retries_deliver_everything_once(scenario: Scenario) -> None:
    p, hooks, slack, env = scenario.p, scenario.hooks, scenario.slack, scenario.env
    # Run 3: retries are due now; everything is accepted.
    p.tessera("notify", "--timeout", "1", "--retry-now", expect=1, env=env)
    delivered = len(hooks.requests)
    # Run 4: nothing new is sent to the endpoints that accepted everything.
    run4 = p.tessera(
        "notify", "--timeout", "1", "--retry-now", "--format", "json", expect=1, env=env
    )
    assert len(hooks.requests) == delivered and len(slack.requests) == 1
    report = json.loads(run4.stdout)
    assert report["endpoints"][0]["pending"] == 0 and report["endpoints"][1]["pending"] == 0


def test_05_every_notifying_event_arrived_once_signed(scenario: Scenario) -> None:
    p, hooks = scenario.p, scenario.hooks
    # Every notifying event arrived at least once, none again after its 2xx, all signed.
    actions = ", ".join(f"'{a}'" for a in NOTIFYING_ACTIONS)
    expected = {
        r[0]
        for r in p.query(
            f"select event_id from {{schema}}.tessera_audit_log where action in ({actions})"
        )
    }
    accepted = Counter(r.event_id for r in hooks.accepted())
    assert set(accepted) == expected and set(accepted.values()) == {1}
    for event_id in accepted:
        mine = [r.status for r in hooks.requests if r.event_id == event_id]
        assert mine[-1] == 200 and 200 not in mine[:-1]
    assert all(r.signature_ok(scenario.secret) for r in hooks.requests)
    assert all(r.json()["event_id"] == r.event_id for r in hooks.requests)


def test_06_the_proposal_event_says_what_a_person_needs(scenario: Scenario) -> None:
    hooks, slack, pid = scenario.hooks, scenario.slack, scenario.pid
    (opened,) = [r.json() for r in hooks.accepted() if r.json()["action"] == "proposal_opened"]
    assert opened["proposal"]["proposal_id"] == pid
    assert opened["model"]["name"] == "orders"
    assert "column status was removed" in opened["summary"]
    assert set(opened["proposal"]["waiting_for"]) == {"finance", "growth"}
    assert (
        f"dbt run-operation tessera.acknowledge --args '{{proposal_id: {pid}, team: growth, "
        "response: approved}'" == opened["proposal"]["commands"]["acknowledge"]["growth"]
    )
    blocks = slack.requests[0].json()
    assert set(blocks) == {"text", "blocks"} and pid in blocks["text"]
    assert "X-Tessera-Signature" not in slack.requests[0].headers


def test_07_every_attempt_is_recorded_with_redacted_urls(scenario: Scenario) -> None:
    p, hooks, silent, odd = scenario.p, scenario.hooks, scenario.silent, scenario.odd
    assert scenario.run1 is not None
    # Refused endpoints have no attempt.
    rows = p.query(
        "select url, event_id, attempt, status_code, error, delivered_at, next_attempt_at "
        "from {schema}.tessera_deliveries order by attempted_at"
    )
    hook_rows = [r for r in rows if r[0] == hooks.url.rsplit("/", 1)[0] + "/..."]
    assert sorted(r[3] for r in hook_rows) == sorted(r.status for r in hooks.requests)
    assert {r[2] for r in hook_rows if r[1] == hooks.requests[0].event_id} == {1, 2}
    assert all((r[5] is None) == (r[3] != 200) for r in hook_rows)
    assert all(r[6] is not None for r in hook_rows if r[3] == 500)
    silent_rows = [r for r in rows if r[0] == silent.url]
    assert len(silent_rows) == 3 and {r[4] for r in silent_rows} == {"timed out after 1s"}
    assert [r[2] for r in silent_rows] == [1, 2, 3]
    assert not [r for r in rows if "ftp" in r[0] or "169.254" in r[0]]
    assert not [r for r in rows if "slacktoken" in r[0]]
    assert [r.json()["action"] for r in odd.requests] == ["proposal_opened"]
    assert "events names" in scenario.run1.output and "never records" in scenario.run1.output
    odd_rows = [r for r in rows if r[0] == scenario.odd_url.rsplit("/", 1)[0] + "/..."]
    assert len(odd_rows) == 1 and odd_rows[0][3] == 200


def test_08_the_secret_is_nowhere(scenario: Scenario) -> None:
    p, secret = scenario.p, scenario.secret
    # Not in any registry table, not in any project file.
    assert secret not in _registry_text(p)
    assert _files_containing(p.dir, secret.encode()) == []
