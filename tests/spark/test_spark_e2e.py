"""Tessera on a real distributed engine: Spark 3.5 (dbt-spark session mode) with the registry
in an Iceberg catalog, end to end, in one process (``make test-spark``; not part of
``make test``: it needs ``.venv-spark`` with pyspark, dbt-spark and Iceberg's runtime, and
Java 17).

Every dbt step runs through ``dbtRunner`` in this process, so the JVM (and its embedded Derby
metastore) starts once. Models live in spark_catalog; the registry in ``ice.tessera``, an
Iceberg Hadoop catalog in the test's folder. Assertions read the registry with Spark SQL on
the same session.

Flow: init -> build publishes 1.0.0 -> a consumer registers -> a breaking change is blocked
-> the consumer acknowledges -> the build publishes 2.0.0 -> a rebuild publishes nothing.
Then: a hostile string round-trips through a run-operation; two concurrent publishers of
the same version (the plugin's Registry API, two threads) leave one row.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

pyspark = pytest.importorskip("pyspark", reason="make test-spark installs pyspark")
pytest.importorskip("dbt.adapters.spark", reason="make test-spark installs dbt-spark")

from dbt.cli.main import dbtRunner  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

from tessera_dbt.plugin.registry import Registry  # noqa: E402
from tests.spark.shade_jackson import build as build_shaded_jackson  # noqa: E402

# One JVM for every step: the whole flow takes minutes (longer on a busy machine).
pytestmark = pytest.mark.timeout(3600)

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "spark_shop"
REGISTRY = "ice.tessera"
ICEBERG_RUNTIME = "iceberg-spark-runtime-3.5_2.12-1.10.2.jar"
JACKSON = ("jackson-core", "jackson-databind", "jackson-annotations")
HOSTILE = (
    "it's \\' \\\\ \"q\" `t` \n second line\r\n\ttab $$ $t$ {{ var('x') }} {% raw %} {# c #} "
    "é 中文 🎉 -- /* */ ; drop table ice.tessera.tessera_teams; %s"
)


def _jars() -> str:
    """Iceberg's runtime from the PyPI wheel plus the relocated Jackson it expects (built
    once, next to this virtualenv, from pyspark's own Jackson jars)."""
    import snowpark_connect_deps_iceberg

    runtime = Path(snowpark_connect_deps_iceberg.__file__).parent / "jars" / ICEBERG_RUNTIME
    shaded = Path(sys.prefix) / "iceberg-shaded-jackson.jar"
    if not shaded.exists():
        spark_jars = Path(pyspark.__file__).parent / "jars"
        sources = [next(spark_jars.glob(f"{name}-2.*.jar")) for name in JACKSON]
        build_shaded_jackson(shaded, sources)
    return f"{runtime},{shaded}"


@dataclass
class Run:
    """What one dbt invocation did: success, the exception, every message dbt logged."""

    success: bool
    result: Any
    exception: BaseException | None
    messages: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.messages) + ("\n" + str(self.exception) if self.exception else "")


@dataclass
class SparkProject:
    dir: Path
    profiles_dir: Path

    def dbt(self, *args: str, expect: bool | None = True) -> Run:
        messages: list[str] = []
        runner = dbtRunner(callbacks=[lambda e: messages.append(e.info.msg)])
        argv = [*args, "--project-dir", str(self.dir), "--profiles-dir", str(self.profiles_dir)]
        res = runner.invoke(argv)
        run = Run(bool(res.success), res.result, res.exception, messages)
        if expect is not None:
            assert run.success is expect, f"dbt {' '.join(args)}:\n{run.text[-6000:]}"
        return run

    def op(self, name: str, args: dict[str, Any], expect: bool | None = True) -> Run:
        return self.dbt(
            "run-operation",
            f"tessera.{name}",
            "--args",
            json.dumps(args, ensure_ascii=False),
            expect=expect,
        )

    def sql(self, text: str) -> list[tuple[Any, ...]]:
        spark = SparkSession.builder.getOrCreate()
        return [tuple(row) for row in spark.sql(text).collect()]

    def versions(self, model: str) -> list[str]:
        rows = self.sql(
            f"select version from {REGISTRY}.tessera_contracts "
            f"where asset_id = 'model.spark_shop.{model}' order by major, minor, patch"
        )
        return [str(r[0]) for r in rows]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkProject]:
    root = tmp_path_factory.mktemp("spark")
    project_dir = root / "project"
    shutil.copytree(FIXTURE, project_dir)
    (project_dir / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(REPO_ROOT)}]})
    )
    # Iceberg's Hadoop catalog cannot list the namespaces of a warehouse that does not exist.
    (root / "iceberg-wh").mkdir()
    output = {
        "type": "spark",
        "method": "session",
        "host": "NA",
        "schema": "analytics",
        "threads": 1,
        "server_side_parameters": {
            "spark.master": "local[2]",
            "spark.driver.memory": "2g",
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.warehouse.dir": str(root / "spark-warehouse"),
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={root / 'derby'}",
            "spark.jars": _jars(),
            "spark.sql.extensions": (
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
            ),
            "spark.sql.catalog.ice": "org.apache.iceberg.spark.SparkCatalog",
            "spark.sql.catalog.ice.type": "hadoop",
            "spark.sql.catalog.ice.warehouse": str(root / "iceberg-wh"),
        },
    }
    profiles_dir = root / "profiles"
    profiles_dir.mkdir()
    (profiles_dir / "profiles.yml").write_text(
        yaml.safe_dump({"tessera_spark": {"target": "dev", "outputs": {"dev": output}}})
    )
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ["TESSERA_ACTOR"] = "spark-test"
    spark_project = SparkProject(project_dir, profiles_dir)
    spark_project.dbt("deps")
    yield spark_project


def test_life_of_a_breaking_change(project: SparkProject) -> None:
    init = project.op("init", {})
    assert any("created 12 tables" in m for m in init.messages), init.text
    providers = {
        row[1]: project.sql(f"describe table extended {REGISTRY}.{row[1]}")
        for row in project.sql(f"show tables in {REGISTRY}")
    }
    assert len(providers) == 12
    for table, rows in providers.items():
        assert ("Provider", "iceberg") in {(r[0], r[1]) for r in rows}, table

    # 1. The first build (package views included) publishes 1.0.0.
    project.dbt("build")
    assert project.versions("orders") == ["1.0.0"]
    actor = project.sql(
        f"select published_by from {REGISTRY}.tessera_contracts "
        "where asset_id = 'model.spark_shop.orders'"
    )
    assert actor[0][0], actor

    # 2. Marketing registers on orders.
    project.op("create_team", {"name": "marketing"})
    project.op(
        "register_consumer",
        {"model": "orders", "team": "marketing", "columns": ["order_id", "status"]},
    )

    # 3. Dropping status is breaking: the build is blocked before any model runs.
    (project.dir / "models" / "orders.sql").write_text("select cast(1 as int) as order_id\n")
    models_yml = project.dir / "models" / "_models.yml"
    spec = yaml.safe_load(models_yml.read_text())
    spec["models"][0]["columns"] = [{"name": "order_id", "data_type": "int"}]
    models_yml.write_text(yaml.safe_dump(spec, sort_keys=False))
    blocked = project.dbt("build", "-s", "orders", expect=False)
    assert "blocked" in blocked.text and "marketing" in blocked.text, blocked.text
    assert project.versions("orders") == ["1.0.0"]
    pending = project.sql(
        f"select proposal_id from {REGISTRY}.tessera_proposals where status = 'pending'"
    )
    assert len(pending) == 1, pending
    proposal_id = str(pending[0][0])

    # 4. Marketing approves (its note is hostile text, read back verbatim); 2.0.0 ships.
    project.op(
        "acknowledge",
        {"proposal_id": proposal_id, "team": "marketing", "response": "approved", "note": HOSTILE},
    )
    notes = project.sql(
        f"select note from {REGISTRY}.tessera_acknowledgements where proposal_id = '{proposal_id}'"
    )
    assert notes == [(HOSTILE,)]
    project.dbt("build", "-s", "orders")
    assert project.versions("orders") == ["1.0.0", "2.0.0"]
    status = project.sql(
        f"select status from {REGISTRY}.tessera_proposals where proposal_id = '{proposal_id}'"
    )
    assert status == [("published",)]

    # 5. Nothing changed: a rebuild publishes nothing.
    audit_before = project.sql(f"select count(*) from {REGISTRY}.tessera_audit_log")[0][0]
    project.dbt("build", "-s", "orders")
    assert project.versions("orders") == ["1.0.0", "2.0.0"]
    published = project.sql(
        f"select count(*) from {REGISTRY}.tessera_audit_log where action = 'contract_published' "
        "and entity_id = 'model.spark_shop.orders'"
    )
    assert published == [(2,)]
    assert project.sql(f"select count(*) from {REGISTRY}.tessera_audit_log")[0][0] >= audit_before


def test_hostile_team_description_round_trips(project: SparkProject) -> None:
    project.op("init", {})
    project.op("create_team", {"name": "hostile-team", "description": HOSTILE})
    rows = project.sql(
        f"select description from {REGISTRY}.tessera_teams where name = 'hostile-team'"
    )
    assert rows == [(HOSTILE,)]
    assert len(project.sql(f"show tables in {REGISTRY}")) == 12  # nothing dropped


def test_two_concurrent_publishers_of_one_version_leave_one_row(project: SparkProject) -> None:
    # A build that records a candidate version of payments (a column added) without
    # publishing it ...
    before = project.versions("payments")
    (project.dir / "models" / "payments.sql").write_text(
        "select cast(1 as int) as payment_id, cast(9.5 as double) as amount,"
        " cast('EUR' as string) as currency\n"
    )
    models_yml = project.dir / "models" / "_models.yml"
    spec = yaml.safe_load(models_yml.read_text())
    spec["models"][1]["columns"].append({"name": "currency", "data_type": "string"})
    models_yml.write_text(yaml.safe_dump(spec, sort_keys=False))
    project.dbt("build", "-s", "payments", "--vars", "{tessera_publish: false}")
    assert project.versions("payments") == before
    invocation, candidate = project.sql(
        f"select invocation_id, next_version from {REGISTRY}.tessera_checks "
        "where asset_id = 'model.spark_shop.payments' and next_version is not null "
        "order by checked_at desc limit 1"
    )[0]
    assert str(candidate) not in before
    # ... then two publishers of that candidate at once, each on its own connection.
    manifest = project.dbt("parse").result
    barrier = threading.Barrier(2)
    results: dict[int, Any] = {}

    def publish(n: int) -> None:
        registry = Registry.from_manifest(manifest)
        registry.connection_name = f"tessera_publisher_{n}"
        barrier.wait()
        try:
            results[n] = registry.publish(str(invocation), ["model.spark_shop.payments"])
        except Exception as exc:  # reported below: the test shows what the engine said
            results[n] = exc

    threads = [threading.Thread(target=publish, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert project.versions("payments") == [*before, str(candidate)], results
    outcomes = [r for r in results.values() if not isinstance(r, Exception)]
    failures = [r for r in results.values() if isinstance(r, Exception)]
    # A publisher either wins, finds the version already there, or (after its one retry)
    # fails with one line; at most one of them wrote.
    assert sum(1 for r in outcomes for item in r if item.published) <= 1, results
    for exc in failures:
        assert "\n" not in str(exc) and "another writer" in str(exc), results
    audited = project.sql(
        f"select count(*) from {REGISTRY}.tessera_audit_log where action = 'contract_published' "
        f"and entity_id = 'model.spark_shop.payments' and details_json like '%\"{candidate}\"%'"
    )
    assert audited == [(1,)], results


def test_plain_spark_tables_are_refused_with_one_line(project: SparkProject) -> None:
    # spark_catalog would make parquet tables, which cannot be merged, updated or deleted
    # from: refused before anything is created, naming the variable that fixes it.
    refused = project.dbt(
        "run-operation", "tessera.init", "--vars", "{tessera_schema: plain_tessera}", expect=False
    )
    assert "tessera_table_format" in refused.text, refused.text
    assert "plain_tessera" not in {str(r[0]) for r in project.sql("show schemas")}
    # An existing registry table that is not Delta or Iceberg is refused as well.
    project.sql("create schema if not exists legacy_tessera")
    project.sql("create table legacy_tessera.tessera_teams (name string) using parquet")
    legacy = project.dbt(
        "run-operation",
        "tessera.init",
        "--vars",
        "{tessera_schema: legacy_tessera, tessera_table_format: iceberg}",
        expect=False,
    )
    assert "parquet" in legacy.text and "tessera_table_format" in legacy.text, legacy.text
    assert [str(r[1]) for r in project.sql("show tables in legacy_tessera")] == ["tessera_teams"]
