"""``tessera demo``: the whole story on embedded DuckDB, in a temporary folder.

Every step is a real dbt command; the narration between them says what to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


class DemoError(RuntimeError):
    """A step of the demo did not do what the story says."""


def _dbt_executable() -> list[str]:
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("dbt")
    if found:
        return [found]
    return [sys.executable, "-m", "dbt.cli.main"]


class Demo:
    """Runs the walk-through in ``root``; ``say`` prints narration."""

    def __init__(self, root: Path, say: Callable[[str], None] = print) -> None:
        self.root = root
        self.project = root / "shop"
        self.say = say
        self.env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.project),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "TESSERA_ACTOR": os.environ.get("TESSERA_ACTOR", "demo-user"),
        }

    # -- plumbing -----------------------------------------------------------------
    def write(self, rel: str, text: str) -> None:
        path = self.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def dbt(self, *args: str, expect_ok: bool = True, show: bool = False) -> str:
        argv = [*_dbt_executable(), *args]
        self.say(f"\n$ dbt {' '.join(args)}")
        proc = subprocess.run(argv, cwd=self.project, env=self.env, capture_output=True, text=True)
        output = proc.stdout + proc.stderr
        if show:
            self.say(textwrap.indent(_interesting(output), "    "))
        if expect_ok and proc.returncode != 0:
            raise DemoError(f"dbt {' '.join(args)} failed ({proc.returncode}):\n{output}")
        if not expect_ok and proc.returncode == 0:
            raise DemoError(f"dbt {' '.join(args)} should have been refused:\n{output}")
        return output

    def operation(self, name: str, args: dict[str, Any], show: bool = True) -> str:
        return self.dbt("run-operation", f"tessera.{name}", "--args", json.dumps(args), show=show)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        import duckdb

        con = duckdb.connect(str(self.project / "demo.duckdb"), read_only=True)
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()

    def check_report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.project / "target" / "tessera_check.json").read_text(encoding="utf-8")
        )
        return data

    def contracts(self) -> list[tuple[Any, ...]]:
        return self.query(
            "select asset_id, version from tessera.tessera_contracts order by published_at"
        )

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
        say = self.say
        say(
            "Tessera demo: a producer team (core-data) owns the `orders` model; a consumer\n"
            f"team (marketing) depends on it. Project: {self.project}"
        )
        self.setup()
        self.dbt("deps")

        say("\n1. The first build publishes the contract of `orders` as version 1.0.0.")
        self.dbt("build")
        say(f"   tessera_contracts: {self.contracts()}")

        say("\n2. Marketing registers as a consumer of `orders` (it reads order_id and status).")
        self.operation("create_team", {"name": "marketing", "description": "Campaign analytics"})
        self.operation(
            "register_consumer",
            {"model": "orders", "team": "marketing", "columns": ["order_id", "status"]},
        )

        say("\n3. A new nullable column is a compatible change: it ships as 1.1.0.")
        self.set_orders(status=True, channel=True)
        self.dbt("build")
        say(f"   tessera_contracts: {self.contracts()}")

        say(
            "\n4. Someone drops the `status` column. Under `backward` compatibility that is\n"
            "   breaking, and marketing reads it, so the build is refused before any model runs:"
        )
        self.set_orders(status=False, channel=True)
        self.dbt("build", expect_ok=False, show=True)
        report = self.check_report()
        blocked = [d for d in report["decisions"] if d["verdict"] == "blocked"]
        if not blocked:
            raise DemoError("the build was refused but no model is blocked in tessera_check.json")
        proposal_id = blocked[0]["proposal_id"]
        say(f"   tessera_contracts is unchanged: {self.contracts()}")

        say(f"\n5. Marketing migrates its dashboards and approves proposal {proposal_id}.")
        self.operation(
            "acknowledge",
            {
                "proposal_id": proposal_id,
                "team": "marketing",
                "response": "approved",
                "note": "dashboards moved to the new status feed",
            },
        )

        say("\n6. The same build now ships the breaking change as a new major version, 2.0.0.")
        self.dbt("build")
        versions = [v for _, v in self.contracts()]
        if "2.0.0" not in versions:
            raise DemoError(f"expected 2.0.0 to be published, found {versions}")

        say("\n7. Everything is in ordinary tables and views. The contract history:")
        self.dbt("run", "--select", "package:tessera")
        rows = self.query(
            "select model_name, version, published_at is not null, proposal_id "
            "from tessera.tessera_contract_history order by published_at"
        )
        for row in rows:
            say(f"   {row}")
        say(
            "\nDone. Every table lives in the `tessera` schema of demo.duckdb; the views are\n"
            "documented in `dbt docs`. Read docs/ for the compatibility rules and CI set-up."
        )


def _interesting(output: str) -> str:
    """Drop dbt's timing/banner lines so the gate's message stands out."""
    keep = []
    for line in output.splitlines():
        text = line.split(" ", 1)[1] if line[:2].isdigit() and " " in line else line
        if text.startswith(("Running with dbt", "Registered adapter", "Found ")):
            continue
        keep.append(text)
    return "\n".join(keep).strip()


def run_demo(keep: bool = False, say: Callable[[str], None] = print) -> Path:
    """Run the walk-through; returns the folder (removed afterwards unless ``keep``)."""
    root = Path(tempfile.mkdtemp(prefix="tessera-demo-"))
    try:
        Demo(root, say).run()
    finally:
        if keep:
            say(f"\nThe demo project is kept in {root / 'shop'}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return root
