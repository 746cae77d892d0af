"""``tessera demo``: the whole story on embedded DuckDB, in a temporary folder.

Every step is a real dbt command; the narration between them says what to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tessera_dbt.cli.dbt_runner import DbtOptions, DbtOutcome, environment, invoke, operation_json
from tessera_dbt.core import vocab
from tessera_dbt.package import package_path

RAW_ORDERS = """\
order_id,customer_id,amount,status,channel
1,10,25.50,shipped,web
2,11,14.00,placed,store
3,10,99.99,returned,web
"""

ORDERS_YML = """\
models:
  - name: orders
    description: One row per order, owned by the core data team.
    config:
      contract: {{enforced: true}}
      meta:
        tessera:
          owner: core-data
          compatibility: backward
    columns:
      - name: order_id
        data_type: integer
        constraints: [{{type: not_null}}]
        data_tests: [unique]
      - name: customer_id
        data_type: integer
      - name: amount
        data_type: numeric(12,2)
{status}{extra}"""

STATUS_COLUMN = """\
      - name: status
        data_type: varchar(20)
        data_tests:
          - accepted_values:
              arguments: {values: [placed, shipped, returned]}
"""

CHANNEL_COLUMN = """\
      - name: channel
        data_type: varchar(10)
"""


# The history columns worth showing in step 7 (whatever else the view has).
HISTORY_COLUMNS = [
    "model_name",
    "version",
    "previous_version",
    "bump",
    "published_at",
    "published_by",
    "proposal_id",
]


class DemoError(RuntimeError):
    """A step of the demo did not do what the story says."""


class Demo:
    """Runs the walk-through in ``root``; ``say`` prints narration.

    dbt runs in this process (``tessera_dbt.cli.dbt_runner``): importing dbt once makes every
    later command take about a second.
    """

    def __init__(self, root: Path, say: Callable[[str], None] = print) -> None:
        self.root = root
        self.project = root / "shop"
        self.say = say
        self.options = DbtOptions(project_dir=str(self.project), profiles_dir=str(self.project))
        self.env = {
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "TESSERA_ACTOR": os.environ.get("TESSERA_ACTOR", "demo-user"),
        }

    # -- plumbing -----------------------------------------------------------------
    def write(self, rel: str, text: str) -> None:
        """Write a file of the demo project."""
        path = self.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def dbt(self, *args: str, expect_ok: bool = True, show: bool = False) -> DbtOutcome:
        """Run one dbt command; ``show`` prints what Tessera logged (or the error)."""
        self.say(f"\n$ dbt {' '.join(_shell_quote(a) for a in args)}")
        outcome = invoke(list(args), self.options, env=self.env)
        if show:
            text = _readable(outcome.error_text()) if not outcome.success else ""
            text = text or "\n".join(m.removeprefix("tessera: ") for m in outcome.logged)
            if text:
                self.say(textwrap.indent(text, "    "))
        if expect_ok and not outcome.success:
            raise DemoError(f"dbt {' '.join(args)} failed: {outcome.error_text()}")
        if not expect_ok and outcome.success:
            raise DemoError(f"dbt {' '.join(args)} should have been refused")
        return outcome

    def operation(self, name: str, args: dict[str, Any], show: bool = True) -> DbtOutcome:
        """``dbt run-operation tessera.<name> --args '<yaml>'``."""
        return self.dbt("run-operation", f"tessera.{name}", "--args", _yaml(args), show=show)

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run SQL through ``dbt show --inline`` (dbt holds the DuckDB file)."""
        outcome = self.dbt("show", "--inline", sql, "--limit", "50")
        if not outcome.success:
            raise DemoError(f"dbt show failed: {outcome.error_text()}")
        table = outcome.result.results[0].agate_table
        return list(table.column_names), [tuple(row) for row in table.rows]

    def check_report(self) -> dict[str, Any]:
        """The gate's report of the last command (target/tessera_check.json)."""
        data: dict[str, Any] = json.loads(
            (self.project / "target" / "tessera_check.json").read_text(encoding="utf-8")
        )
        return data

    def versions(self) -> list[str]:
        """Published versions of ``orders``, from the registry (tessera.contract_history)."""
        doc = operation_json("contract_history", {"model": "orders"}, self.options)
        return [str(v["version"]) for v in doc.get("versions", [])]

    # -- the story ----------------------------------------------------------------
    def setup(self) -> None:
        self.write(
            "dbt_project.yml",
            "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n"
            "seed-paths: [seeds]\nmodel-paths: [models]\n",
        )
        self.write(
            "profiles.yml",
            "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: {json.dumps(str(self.project / 'demo.duckdb'))}\n      threads: 1\n",
        )
        self.write("packages.yml", f"packages:\n  - local: {json.dumps(str(package_path()))}\n")
        self.write("seeds/raw_orders.csv", RAW_ORDERS)
        self.set_orders(status=True, channel=False)

    def set_orders(self, status: bool, channel: bool) -> None:
        columns = [
            "cast(order_id as integer) as order_id",
            "cast(customer_id as integer) as customer_id",
            "cast(amount as numeric(12, 2)) as amount",
        ]
        if status:
            columns.append("cast(status as varchar(20)) as status")
        if channel:
            columns.append("cast(channel as varchar(10)) as channel")
        select = ",\n    ".join(columns)
        self.write("models/orders.sql", f"select\n    {select}\nfrom {{{{ ref('raw_orders') }}}}\n")
        self.write(
            "models/_orders.yml",
            ORDERS_YML.format(
                status=STATUS_COLUMN if status else "", extra=CHANNEL_COLUMN if channel else ""
            ),
        )

    def run(self) -> None:
        """Tell the story; raise DemoError when a step does not do what it says."""
        say = self.say
        say(
            "Tessera demo: the core-data team owns the `orders` model; the marketing team\n"
            "reads it. Every step below is a real dbt command on embedded DuckDB.\n"
            f"Project: {self.project}"
        )
        self.setup()
        self.dbt("deps")

        say("\n1. The first build publishes the contract of `orders` as version 1.0.0.")
        self.dbt("build")
        say(f"   published versions: {self.versions()}")

        say("\n2. Marketing registers as a consumer of `orders` (it reads order_id and status).")
        self.operation("create_team", {"name": "marketing", "description": "Campaign analytics"})
        self.operation(
            "register_consumer",
            {"model": "orders", "team": "marketing", "columns": ["order_id", "status"]},
        )

        say("\n3. A new nullable column is a compatible change: the build ships it as 1.1.0.")
        self.set_orders(status=True, channel=True)
        self.dbt("build")
        say(f"   published versions: {self.versions()}")

        say(
            "\n4. Someone drops the `status` column. Under `backward` compatibility that is\n"
            "   breaking, and marketing reads it, so the build is refused before any model runs:"
        )
        self.set_orders(status=False, channel=True)
        self.dbt("build", expect_ok=False, show=True)
        report = self.check_report()
        blocked = [d for d in report["decisions"] if d["verdict"] == vocab.BLOCKED]
        if not blocked:
            raise DemoError("the build was refused but no model is blocked in tessera_check.json")
        proposal_id = str(blocked[0]["proposal_id"])
        say(f"   Nothing shipped: published versions are still {self.versions()}")
        say(
            "\n   In CI the producer sees it before merging, without writing to the registry:\n"
            "   `tessera check --format markdown` prints a ready pull-request comment:"
        )
        say(textwrap.indent(self.pr_comment(), "     "))

        say(
            f"\n5. Marketing moves its dashboards off `status` and approves {proposal_id}\n"
            f"   (the same as `tessera proposal acknowledge {proposal_id} --team marketing`)."
        )
        self.operation(
            "acknowledge",
            {
                "proposal_id": proposal_id,
                "team": "marketing",
                "response": "approved",
                "note": "dashboards moved to the new status feed",
            },
        )

        say("\n6. The same build now ships the breaking change as a new major version.")
        self.dbt("build")
        versions = self.versions()
        if "2.0.0" not in versions:
            raise DemoError(f"expected 2.0.0 to be published, found {versions}")
        say(f"   published versions: {versions}  <- 2.0.0 shipped under {proposal_id}")

        say("\n7. Everything lives in ordinary warehouse tables. The contract history in SQL:")
        columns, rows = self.query(self.history_sql())
        shown = [c for c in HISTORY_COLUMNS if c in columns] or columns
        picked = [tuple(row[columns.index(c)] for c in shown) for row in rows]
        say(textwrap.indent(_table(shown, picked), "   "))
        say(
            "\nDone: a breaking change was held until its consumer agreed, then shipped as 2.0.0.\n"
            "Next: `tessera package-path` prints the dbt package to name in your packages.yml\n"
            "(local: ...); then `dbt build` publishes your contracts, and `tessera check` runs\n"
            "the gate in CI without building."
        )

    def pr_comment(self) -> str:
        """``tessera check --format markdown`` on the demo project (its table)."""
        from tessera_dbt.cli.check import render_markdown, run_check

        with environment(self.env):
            report = run_check(self.options)
        lines = render_markdown(report).splitlines()
        return "\n".join(line for line in lines if line.startswith("|"))

    def history_sql(self) -> str:
        """SQL over the history view when the package has it, else over the table."""
        if (package_path() / "models" / "tessera_contract_history.sql").is_file():
            self.dbt("run", "--select", "package:tessera")
            return "select * from {{ ref('tessera', 'tessera_contract_history') }}"
        return (
            "select asset_id as model_name, version, bump, published_at, published_by, proposal_id "
            "from tessera.tessera_contracts order by major, minor, patch"
        )


def _shell_quote(arg: str) -> str:
    return arg if all(c.isalnum() or c in "-_.:/=" for c in arg) else f"'{arg}'"


def _yaml(args: dict[str, Any]) -> str:
    """``--args`` as a user would type them: flow-style YAML on one line."""
    text: str = yaml.safe_dump(args, default_flow_style=True, sort_keys=False, width=1000)
    return text.strip()


def _readable(message: str) -> str:
    """The gate's message without dbt's frame lines (``> in macro …``)."""
    keep = [
        line
        for line in message.splitlines()
        if not line.strip().startswith("> ") and line.strip() != "Encountered an error:"
    ]
    return textwrap.dedent("\n".join(keep)).strip()


def _table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [columns, *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    out = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    return str(value)[:40]


def run_demo(keep: bool = False, say: Callable[[str], None] = print) -> Path:
    """Run the walk-through; returns the project folder (removed afterwards unless ``keep``)."""
    root = Path(tempfile.mkdtemp(prefix="tessera-demo-"))
    try:
        Demo(root, say).run()
    finally:
        if keep:
            say(
                f"\nThe demo project is kept in {root / 'shop'}. Explore it with:\n"
                f"  cd {root / 'shop'} && export DBT_PROFILES_DIR=.\n"
                "  tessera asset list; tessera contract history orders; "
                "tessera proposal list --status all"
            )
        else:
            shutil.rmtree(root, ignore_errors=True)
    return root / "shop"
