"""Test harness: a throwaway PostgreSQL server and real dbt projects on DuckDB or PostgreSQL.

Nothing here is mocked: dbt runs in a subprocess (real plugin discovery, real exit codes),
DuckDB is a real file, PostgreSQL a real server started from ``initdb``/``pg_ctl``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresUnavailable(RuntimeError):
    """initdb/pg_ctl are not on the PATH (tests skip, except under CI=true)."""


@dataclass
class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port, trust auth."""

    base: Path
    port: int = 0
    user: str = "postgres"
    _as_postgres: bool = False

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _cmd(self, args: list[str]) -> list[str]:
        if self._as_postgres:
            # initdb refuses to run as root: run the cluster as the postgres user.
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def start(self) -> PostgresServer:
        initdb = shutil.which("initdb")
        pg_ctl = shutil.which("pg_ctl")
        if not initdb or not pg_ctl:
            raise PostgresUnavailable("initdb/pg_ctl not found on PATH")
        self._as_postgres = os.geteuid() == 0
        self.base.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.base, user="postgres")
            os.chmod(self.base, 0o700)
        self.port = _free_port()
        subprocess.run(
            self._cmd(
                [initdb, "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=100"
        )
        subprocess.run(
            self._cmd(
                [
                    pg_ctl,
                    "-D",
                    str(self.data),
                    "-o",
                    opts,
                    "-l",
                    str(self.base / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self

    def stop(self) -> None:
        pg_ctl = shutil.which("pg_ctl")
        if pg_ctl and self.data.exists():
            subprocess.run(
                self._cmd([pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
            )

    def connect(self, dbname: str = "postgres") -> Any:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=dbname)
        conn.autocommit = True
        return conn

    def create_database(self, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f'create database "{name}"')
        return name

    def execute(
        self, sql: str, params: Sequence[Any] | None = None, dbname: str = "postgres"
    ) -> None:
        with closing(self.connect(dbname)) as conn, conn.cursor() as cur:
            cur.execute(sql, params)


@dataclass
class DbtResult:
    """What one dbt (or tessera) subprocess did."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:  # shown by pytest when an assertion fails
        return f"$ {' '.join(self.args)} -> {self.returncode}\n{self.output[-6000:]}"


@dataclass
class DbtProject:
    """A real dbt project in a temporary folder, wired to the Tessera package in this repo."""

    dir: Path
    adapter: str
    profiles_dir: Path
    pg: PostgresServer | None = None
    database: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    # -- running things ---------------------------------------------------------------
    def _run(self, argv: list[str], expect: int | None, env: dict[str, str] | None) -> DbtResult:
        full_env = {**os.environ, **self.env, **(env or {})}
        full_env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        full_env["DBT_PROFILES_DIR"] = str(self.profiles_dir)
        proc = subprocess.run(
            argv, cwd=self.dir, env=full_env, capture_output=True, text=True, timeout=600
        )
        res = DbtResult(argv, proc.returncode, proc.stdout, proc.stderr)
        if expect is not None:
            assert proc.returncode == expect, str(res)
        return res

    def dbt(
        self, *args: str, expect: int | None = 0, env: dict[str, str] | None = None
    ) -> DbtResult:
        """Run ``dbt <args>`` in the project (subprocess, this virtualenv)."""
        return self._run([str(VENV_BIN / "dbt"), *args], expect, env)

    def run_operation(
        self, name: str, args: dict[str, Any] | None = None, expect: int | None = 0, **kw: Any
    ) -> DbtResult:
        """``dbt run-operation tessera.<name> --args '<json>'``."""
        argv = ["run-operation", f"tessera.{name}"]
        if args is not None:
            argv += ["--args", json.dumps(args)]
        return self.dbt(*argv, expect=expect, **kw)

    def tessera(
        self, *args: str, expect: int | None = 0, env: dict[str, str] | None = None
    ) -> DbtResult:
        """Run the ``tessera`` console script in the project."""
        return self._run([str(VENV_BIN / "tessera"), *args], expect, env)

    # -- reading the warehouse directly (assertions only) -----------------------------
    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a query with the native driver; ``{schema}`` is the registry schema."""
        sql = sql.replace("{schema}", self.registry_schema)
        if self.adapter == "duckdb":
            import duckdb

            con = duckdb.connect(str(self.dir / "warehouse.duckdb"), read_only=True)
            try:
                return [tuple(r) for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        assert self.pg is not None and self.database is not None
        with closing(self.pg.connect(self.database)) as conn, conn.cursor() as cur:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def execute(self, sql: str) -> None:
        """Run a statement with the native driver (test set-up only)."""
        sql = sql.replace("{schema}", self.registry_schema)
        if self.adapter == "duckdb":
            import duckdb

            con = duckdb.connect(str(self.dir / "warehouse.duckdb"))
            try:
                con.execute(sql)
            finally:
                con.close()
        else:
            assert self.pg is not None and self.database is not None
            self.pg.execute(sql, dbname=self.database)

    def table_exists(self, name: str) -> bool:
        rows = self.query(
            "select count(*) from information_schema.tables "
            f"where table_schema = '{self.registry_schema}' and table_name = '{name}'"
        )
        return bool(rows[0][0])

    def count(self, table: str) -> int:
        return int(self.query(f"select count(*) from {{schema}}.{table}")[0][0])

    @property
    def registry_schema(self) -> str:
        return self.env.get("TESSERA_TEST_SCHEMA", "tessera")

    # -- editing the project ----------------------------------------------------------
    def write(self, rel: str, text: str) -> Path:
        path = self.dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def read_yaml(self, rel: str) -> Any:
        return yaml.safe_load((self.dir / rel).read_text())

    def write_yaml(self, rel: str, data: Any) -> Path:
        return self.write(rel, yaml.safe_dump(data, sort_keys=False))


def write_profiles(
    profiles_dir: Path,
    project_dir: Path,
    adapter: str,
    pg: PostgresServer | None = None,
    database: str | None = None,
    profile: str = "tessera_test",
) -> None:
    """Write a profiles.yml with one ``dev`` target for the adapter."""
    if adapter == "duckdb":
        output: dict[str, Any] = {
            "type": "duckdb",
            "path": str(project_dir / "warehouse.duckdb"),
            "threads": 1,
        }
    else:
        assert pg is not None and database is not None
        output = {
            "type": "postgres",
            "host": "127.0.0.1",
            "port": pg.port,
            "user": pg.user,
            "password": "",
            "dbname": database,
            "schema": "analytics",
            "threads": 2,
        }
    profiles_dir.mkdir(parents=True, exist_ok=True)
    (profiles_dir / "profiles.yml").write_text(
        yaml.safe_dump({profile: {"target": "dev", "outputs": {"dev": output}}})
    )


def make_project(
    root: Path,
    adapter: str,
    template: str = "shop",
    pg: PostgresServer | None = None,
    deps: bool = True,
) -> DbtProject:
    """Copy ``tests/fixtures/<template>`` into ``root`` and wire it to this repo's package.

    The template's ``packages.yml`` is rewritten to ``local: <repo root>``; its profile name
    must be ``tessera_test``.
    """
    project_dir = root / "project"
    shutil.copytree(FIXTURES / template, project_dir)
    (project_dir / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(REPO_ROOT)}]})
    )
    database = pg.create_database() if (adapter == "postgres" and pg) else None
    profiles_dir = root / "profiles"
    write_profiles(profiles_dir, project_dir, adapter, pg, database)
    project = DbtProject(project_dir, adapter, profiles_dir, pg, database)
    if deps:
        project.dbt("deps")
    return project


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throwaway cluster; stop and remove it afterwards."""
    base = Path(tempfile.mkdtemp(prefix="tessera-pg-"))
    server = PostgresServer(base)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def wait_for(predicate: Any, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is truthy or ``timeout`` seconds have passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
