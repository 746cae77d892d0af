"""The ``tessera`` CLI: every command listed, one-line errors, and ``tessera check`` for CI.

The end-to-end tests run the console script in a subprocess against a one-model project
(each call costs dbt's start-up, so one scenario shares a project): ``tessera check``
reports a breaking change as JSON, markdown and annotations, exits 1, and leaves every
registry table exactly as it was; the registry commands create teams, register consumers,
list and answer proposals through the package's run-operations.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from tessera_dbt.cli.check import COMMENT_MARKER, render_github, render_markdown, render_text
from tessera_dbt.cli.dbt_runner import DbtOptions, DbtOutcome, invoke, one_line
from tessera_dbt.cli.main import cli
from tests.harness import REPO_ROOT, DbtProject, PostgresServer, write_profiles

REGISTRY_TABLES = [
    "tessera_teams",
    "tessera_team_members",
    "tessera_assets",
    "tessera_contracts",
    "tessera_registrations",
    "tessera_proposals",
    "tessera_proposal_teams",
    "tessera_acknowledgements",
    "tessera_checks",
    "tessera_audit_log",
]

COLUMNS = {
    "order_id": ("integer", "cast(1 as integer)"),
    "amount": ("numeric(12,2)", "cast(12.50 as numeric(12, 2))"),
    "status": ("varchar(20)", "cast('placed' as varchar(20))"),
}


# -- a one-model project ------------------------------------------------------------------
def write_orders(project_dir: Path, columns: list[str]) -> None:
    """``orders`` selecting literals for ``columns``, with an enforced contract."""
    select = ",\n    ".join(f"{COLUMNS[c][1]} as {c}" for c in columns)
    (project_dir / "models").mkdir(parents=True, exist_ok=True)
    (project_dir / "models" / "orders.sql").write_text(f"select\n    {select}\n")
    spec = {
        "models": [
            {
                "name": "orders",
                "config": {
                    "materialized": "table",
                    "contract": {"enforced": True},
                    "meta": {"tessera": {"owner": "core-data"}},
                },
                "columns": [
                    {
                        "name": c,
                        "data_type": COLUMNS[c][0],
                        **({"constraints": [{"type": "not_null"}]} if c == "order_id" else {}),
                    }
                    for c in columns
                ],
            }
        ]
    }
    (project_dir / "models" / "_orders.yml").write_text(yaml.safe_dump(spec, sort_keys=False))


def make_cli_project(root: Path, adapter: str, pg: PostgresServer | None) -> DbtProject:
    """A deps-installed project ``cli_shop`` with one contracted model, in ``root``."""
    database = pg.create_database() if pg is not None else None
    project_dir = root / "project"
    project_dir.mkdir(parents=True)
    (project_dir / "dbt_project.yml").write_text(
        "name: cli_shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: tessera_test\n"
    )
    (project_dir / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(REPO_ROOT)}]})
    )
    write_orders(project_dir, ["order_id", "amount", "status"])
    write_profiles(root / "profiles", project_dir, adapter, pg, database)
    project = DbtProject(project_dir, adapter, root / "profiles", pg, database)
    assert dbt(project, "deps").success
    return project


@pytest.fixture
def cli_project(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[str], DbtProject]:
    """Factory: a deps-installed project ``cli_shop`` with one contracted model."""

    def factory(adapter: str) -> DbtProject:
        pg = request.getfixturevalue("pg") if adapter == "postgres" else None
        return make_cli_project(tmp_path / adapter, adapter, pg)

    return factory


@dataclass
class CliScenario:
    """The DuckDB scenario's project, and the proposal one step hands to the next."""

    project: DbtProject
    proposal: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def duckdb_cli(tmp_path_factory: pytest.TempPathFactory) -> CliScenario:
    return CliScenario(make_cli_project(tmp_path_factory.mktemp("cli"), "duckdb", None))


def counts(project: DbtProject) -> dict[str, int]:
    """Rows in every registry table (the proof that a check wrote nothing)."""
    return {t: project.count(t) for t in REGISTRY_TABLES}


def registry_exists(project: DbtProject) -> bool:
    """Whether any registry table exists."""
    return any(project.table_exists(t) for t in REGISTRY_TABLES)


def options(project: DbtProject) -> list[str]:
    return ["--project-dir", str(project.dir), "--profiles-dir", str(project.profiles_dir)]


def tessera(project: DbtProject, *args: str, expect: int = 0) -> Any:
    """Run ``tessera <args>`` in this process (dbt imported once: about a second a call)."""
    res = CliRunner().invoke(cli, [*args, *options(project)], prog_name="tessera")
    assert res.exit_code == expect, f"tessera {' '.join(args)} -> {res.exit_code}\n{res.output}"
    return res


def dbt(project: DbtProject, *args: str) -> DbtOutcome:
    """Run dbt in this process, as the CLI does."""
    opts = DbtOptions(project_dir=str(project.dir), profiles_dir=str(project.profiles_dir))
    return invoke(list(args), opts)


def check_breaking_change(project: DbtProject) -> None:
    """Build 1.0.0, register marketing on status, drop status, check without writing."""
    # Before the first build there is no registry: check passes and creates nothing.
    fresh = tessera(project, "check", "--format", "json")
    assert json.loads(fresh.stdout)["passed"] is True, fresh.output
    assert {d["verdict"] for d in json.loads(fresh.stdout)["decisions"]} == {"new"}
    assert not registry_exists(project)

    assert dbt(project, "build").success
    tessera(project, "team", "create", "marketing", "--description", "Campaign analytics")
    reg = tessera(project, "register", "orders", "--team", "marketing", "--columns", "status")
    assert "marketing" in reg.stdout and "model.cli_shop.orders" in reg.stdout

    write_orders(project.dir, ["order_id", "amount"])
    before = counts(project)

    # The console script in its own process (subprocess: the executable's exit code, and the
    # check-only switch reaching the plugin from its environment).
    res = project.tessera("check", "--format", "json", expect=1, subprocess=True)
    report = json.loads(res.stdout)
    assert report["passed"] is False
    (orders,) = [d for d in report["decisions"] if d["model"] == "orders"]
    assert orders["verdict"] == "blocked"
    assert orders["pending_teams"] == ["marketing"]
    assert any(
        c["kind"] == "column_removed" and c["column"] == "status" and c["breaking"]
        for c in orders["changes"]
    )

    md = tessera(project, "check", "--format", "markdown", expect=1)
    assert md.stdout.startswith(COMMENT_MARKER)
    row = next(line for line in md.stdout.splitlines() if line.startswith("| `orders`"))
    assert "column status was removed" in row and "marketing" in row and "blocked" in row

    assert counts(project) == before, "tessera check wrote to the registry"


# -- end to end ----------------------------------------------------------------------------
# The DuckDB scenario: consecutive steps on one project (marked ``steps``: after a failing
# step the later ones are skipped, saying which failed).
@pytest.mark.duckdb
@pytest.mark.steps
def test_cli_01_check_reports_a_breaking_change_and_writes_nothing(duckdb_cli: CliScenario) -> None:
    check_breaking_change(duckdb_cli.project)


@pytest.mark.duckdb
@pytest.mark.steps
def test_cli_02_a_refusal_is_one_line_on_stderr_exit_2(duckdb_cli: CliScenario) -> None:
    dup = tessera(duckdb_cli.project, "team", "create", "marketing", expect=2)
    assert dup.stdout == ""
    assert dup.stderr.strip().count("\n") == 0, dup.stderr
    assert 'tessera.create_team: name = "marketing" already exists' in dup.stderr


@pytest.mark.duckdb
@pytest.mark.steps
def test_cli_03_the_first_build_opens_the_proposal_and_the_consumer_answers(
    duckdb_cli: CliScenario,
) -> None:
    p = duckdb_cli.project
    blocked = dbt(p, "build")
    assert not blocked.success and "Tessera blocked this run" in blocked.error_text()
    listed = json.loads(tessera(p, "proposal", "list", "--format", "json").stdout)
    (proposal,) = listed["proposals"]
    assert proposal["model_name"] == "orders" and proposal["waiting_for"] == ["marketing"]
    duckdb_cli.proposal = proposal

    shown = tessera(p, "proposal", "show", "orders").stdout
    assert proposal["proposal_id"] in shown and "column status was removed" in shown
    tessera(p, "proposal", "acknowledge", proposal["proposal_id"], "--team", "marketing")

    # Approved: the check passes now, and still writes nothing.
    before = counts(p)
    ok = tessera(p, "check").stdout
    assert "passed" in ok.splitlines()[0] and "approved" in ok
    assert counts(p) == before


@pytest.mark.duckdb
@pytest.mark.steps
def test_cli_04_the_build_ships_2_0_0_and_the_listings_show_it(duckdb_cli: CliScenario) -> None:
    p = duckdb_cli.project
    proposal = duckdb_cli.proposal
    assert dbt(p, "build").success
    teams = json.loads(tessera(p, "team", "list", "--format", "json").stdout)["teams"]
    assert {t["name"]: t["consumes"] for t in teams} == {"core-data": 0, "marketing": 1}
    history = json.loads(tessera(p, "contract", "history", "orders", "--format", "json").stdout)
    assert [v["version"] for v in history["versions"]] == ["1.0.0", "2.0.0"]
    assert history["versions"][1]["proposal_id"] == proposal["proposal_id"]
    assets = json.loads(tessera(p, "asset", "list", "--format", "json").stdout)["assets"]
    assert [(a["model"], a["latest_version"]) for a in assets] == [("orders", "2.0.0")]
    shown = json.loads(tessera(p, "contract", "show", "orders", "--format", "json").stdout)
    assert sorted(shown["schema"]["properties"]) == ["amount", "order_id"]
    tessera(p, "unregister", "orders", "--team", "marketing")
    shown_asset = json.loads(tessera(p, "asset", "show", "orders", "--format", "json").stdout)
    assert shown_asset["consumers"] == []


@pytest.mark.duckdb
@pytest.mark.steps
def test_cli_05_the_thin_wrappers_reach_their_operations(duckdb_cli: CliScenario) -> None:
    p = duckdb_cli.project
    diff = json.loads(tessera(p, "contract", "diff", "orders", "--format", "json").stdout)
    assert diff["asset_id"] == "model.cli_shop.orders"
    assert "model.cli_shop.orders" in tessera(p, "asset", "impact", "orders").stdout
    tessera(p, "team", "add-member", "marketing", "alice", "--role", "admin")
    tessera(p, "team", "remove-member", "marketing", "alice")
    tessera(p, "team", "delete", "marketing", "--description", "reorganised")
    assert "deleted" in tessera(p, "team", "list", "--all").stdout
    tessera(p, "team", "restore", "marketing")
    assert json.loads(tessera(p, "init", "--format", "json").stdout)["ok"] is True


@pytest.mark.postgres
@pytest.mark.slow
def test_check_writes_nothing_on_postgres(cli_project: Callable[[str], DbtProject]) -> None:
    check_breaking_change(cli_project("postgres"))


# -- the command line itself (no dbt) -------------------------------------------------------
EVERY_COMMAND = {
    (): {
        "team",
        "register",
        "unregister",
        "proposal",
        "contract",
        "asset",
        "diff",
        "check",
        "demo",
        "notify",
        "package-path",
    },
    ("team",): {"create", "list", "delete", "restore"},
    ("proposal",): {"list", "show", "acknowledge", "withdraw", "force"},
    ("contract",): {"list", "show", "diff", "history"},
    ("asset",): {"list", "show", "impact"},
}


@pytest.mark.parametrize("group", sorted(EVERY_COMMAND))
def test_help_lists_every_command(group: tuple[str, ...]) -> None:
    res = CliRunner().invoke(cli, [*group, "--help"])
    assert res.exit_code == 0, res.output
    listed = res.output.split("Commands:")[1]
    names = {line.split()[0] for line in listed.splitlines() if line.strip()}
    assert EVERY_COMMAND[group] <= names


LISTINGS = [
    ["team", "list"],
    ["proposal", "list"],
    ["proposal", "show", "x"],
    ["contract", "list"],
    ["contract", "show", "x"],
    ["contract", "history", "x"],
    ["asset", "list"],
    ["asset", "show", "x"],
]


@pytest.mark.parametrize("argv", LISTINGS, ids=" ".join)
def test_listings_take_dbt_options_and_format_json(argv: list[str]) -> None:
    res = CliRunner().invoke(cli, [*argv, "--help"])
    for option in ("--project-dir", "--profiles-dir", "--target", "--vars", "--format"):
        assert option in res.output, f"{argv}: {option} missing"
    assert "json" in res.output


@pytest.mark.parametrize(
    "argv",
    [["team", "create"], ["nope"], ["check", "--format", "yaml"], ["register", "orders"]],
)
def test_usage_errors_are_one_line_exit_2(argv: list[str]) -> None:
    res = CliRunner().invoke(cli, argv)
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1, res.output
    assert "error:" in res.output


def test_check_outside_a_project_is_one_line_exit_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["check", "--project-dir", str(tmp_path)], prog_name="tessera")
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        f"tessera check: error: no dbt_project.yml in {tmp_path.resolve()}; run in a dbt "
        "project or pass --project-dir"
    ]


def test_package_path_and_notify() -> None:
    path = CliRunner().invoke(cli, ["package-path"])
    assert path.exit_code == 0
    assert (Path(path.output.strip()) / "dbt_project.yml").is_file()
    notify = CliRunner().invoke(cli, ["notify", "--help"])
    assert notify.exit_code == 0 and "--project-dir" in notify.output


def test_docs_name_only_real_commands() -> None:
    """Every `tessera …` command in docs/cli.md's table resolves in the CLI."""
    text = (REPO_ROOT / "docs" / "cli.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `tessera ")]
    assert len(rows) > 20
    # `tessera build\|run\|…` stands for one row per alternative.
    commands = []
    for row in rows:
        first, *rest = row.split("`")[1].split()[1:]
        commands += [[alt, *rest] for alt in first.split("\\|")]
    for words in commands:
        row = " ".join(words)
        command: Any = cli
        for word in words:
            if not isinstance(command, click.Group) or word not in command.commands:
                break
            command = command.commands[word]
        assert not isinstance(command, click.Group) and command is not cli, row
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


def test_one_line_picks_the_refusal() -> None:
    message = (
        "Encountered an error while running operation: Compilation Error in macro create_team "
        "(macros/operations/create_team.sql)\n  tessera.create_team: name is missing\n\n"
        "  > in macro refuse (macros/validation/refuse.sql)"
    )
    assert one_line(message) == "tessera.create_team: name is missing"
    assert one_line("Runtime Error\n  Could not find profile named 'x'") == (
        "Could not find profile named 'x'"
    )


# -- renderers on a report ------------------------------------------------------------------
REPORT: dict[str, Any] = {
    "invocation_id": "i",
    "command": "parse",
    "registry": '"db"."tessera"',
    "passed": False,
    "new_proposals": ["orders-abc123"],
    "superseded": [],
    "decisions": [
        {
            "asset_id": "model.shop.orders",
            "model": "orders",
            "verdict": "blocked",
            "base_version": "1.1.0",
            "next_version": "2.0.0",
            "proposal_id": "orders-abc123",
            "pending_teams": ["marketing"],
            "file_path": "shop://models/_orders.yml",
            "message": "Model orders (model.shop.orders) is blocked by Tessera:\n  - column status was removed",
            "changes": [
                {"kind": "guarantee_removed", "message": "test | x removed", "severity": "warning"},
                {
                    "kind": "column_removed",
                    "message": "column status was removed",
                    "breaking": True,
                },
            ],
        },
        {"asset_id": "model.shop.dim", "model": "dim", "verdict": "unchanged", "changes": []},
        {
            "asset_id": "model.shop.fct",
            "model": "fct",
            "verdict": "compatible",
            "base_version": "1.0.0",
            "next_version": "1.1.0",
            "changes": [{"message": "column note was added", "severity": "info"}],
        },
    ],
}


def test_markdown_has_one_row_per_changed_model() -> None:
    md = render_markdown(REPORT)
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == ["orders", "fct"]
    orders = rows[0]
    assert orders.index("column status was removed") < orders.index("test \\| x removed")
    assert "marketing" in orders and "`orders-abc123`" in orders and "1.1.0 → 2.0.0" in orders
    assert "tessera proposal acknowledge orders-abc123 --team marketing" in md


def test_github_annotations_point_at_the_yml(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    out = render_github(REPORT, tmp_path / "shop").splitlines()
    assert out[0].startswith("::error file=shop/models/_orders.yml,title=Tessera%3A orders")
    assert "column status was removed" in out[0] and "marketing" in out[0]
    assert len([line for line in out if line.startswith("::")]) == 1


def test_text_names_the_blocked_model_and_the_pending_proposal() -> None:
    text = render_text(REPORT)
    assert text.splitlines()[0].startswith("Tessera check blocked: 1 of 3")
    assert "orders: blocked 1.1.0 → 2.0.0  column status was removed (+1 more)" in text
    assert "opens at the first `dbt build`" in text
