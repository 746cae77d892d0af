"""``tessera build`` without the plugin: its registry stand-in knows every call the
evaluation makes, and the record macro accepts exactly the writes it queues."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tessera_dbt.cli import gated
from tessera_dbt.cli.dbt_runner import DbtOptions

ROOT = Path(__file__).resolve().parents[2]


def test_every_registry_call_of_the_evaluation_is_served_or_queued() -> None:
    source = (ROOT / "tessera_dbt" / "plugin" / "evaluation.py").read_text(encoding="utf-8")
    registry = (ROOT / "tessera_dbt" / "plugin" / "registry.py").read_text(encoding="utf-8")
    called = set(re.findall(r'registry\.call\(\s*"(\w+)"', source))
    called |= set(re.findall(r'self\.call\(\s*"(\w+)"', registry)) - {"publish_contracts"}
    assert called <= set(gated._READS) | set(gated._WRITES), called


def test_the_record_macro_accepts_exactly_the_queued_writes() -> None:
    sql = (ROOT / "macros" / "cli" / "record_evaluation.sql").read_text(encoding="utf-8")
    allowed = re.search(r"set allowed = \[([^\]]*)\]", sql)
    assert allowed is not None
    names = set(re.findall(r"'(\w+)'", allowed.group(1)))
    assert names == set(gated._WRITES)
    for name in names:
        assert f"tessera.{name}(**kw)" in sql


@pytest.mark.parametrize(
    ("args", "options", "invocation"),
    [
        ([], DbtOptions(), None),
        (
            ["-s", "orders", "--target", "prod", "--vars", "{a: 1}", "--full-refresh"],
            DbtOptions(target="prod", vars="{a: 1}"),
            None,
        ),
        (
            ["--project-dir=p", "--profiles-dir", "x", "-t", "dev", "--profile", "q"],
            DbtOptions(project_dir="p", profiles_dir="x", target="dev", extra=("--profile", "q")),
            None,
        ),
        (
            ["--target-path", "t", "--invocation-id", "abc"],
            DbtOptions(extra=("--target-path", "t")),
            "abc",
        ),
    ],
)
def test_split_args(args: list[str], options: DbtOptions, invocation: str | None) -> None:
    assert gated.split_args(args) == (options, invocation)


def test_queued_writes_keep_their_order_and_unknown_calls_are_refused() -> None:
    registry = gated.OperationRegistry(DbtOptions(), ensure=True)
    registry.call("upsert_assets", rows=[{"asset_id": "a"}])
    registry.call("write_checks", invocation_id="x", rows=[], summary={})
    assert [c["macro"] for c in registry.queued] == ["upsert_assets", "write_checks"]
    with pytest.raises(gated.RegistryError, match="not available without the plugin"):
        registry.call("publish_contracts", invocation_id="x")
    with pytest.raises(gated.RegistryError, match="evaluation_inputs failed"):
        registry.call("get_config")


def test_the_cli_imports_without_dbt() -> None:
    """dbt v2 has no dbt Python package: the CLI, and its evaluation path, import without
    dbt, dbt_common or agate, and then run dbt as a subprocess."""
    code = (
        "import sys\n"
        "for m in ('dbt', 'dbt_common', 'agate'): sys.modules[m] = None\n"
        "from tessera_dbt.cli.main import cli\n"
        "from tessera_dbt.cli import gated\n"
        "from tessera_dbt.cli.dbt_runner import use_subprocess\n"
        "assert use_subprocess()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
