"""Test harness: a throwaway PostgreSQL server and real dbt projects on DuckDB or PostgreSQL.

Nothing here is mocked: DuckDB is a real file, PostgreSQL a real server started from
``initdb``/``pg_ctl``, and dbt is the real dbt with the real plugin.

dbt runs **in this process** by default (``dbtRunner``, see :func:`run_dbt`): starting a
``dbt`` process costs about two seconds of imports before it does anything, and the suite
makes hundreds of dbt calls. In-process runs see what a ``dbt`` process would: the same
exit code (dbt's CLI maps a failed result to 1 and an exception to 2), the same console
text (dbt's own console logger, captured), the environment and working directory of the
call, and the plugin (found by dbt's plugin scan of this virtualenv, as in a process).
``subprocess=True`` runs the real executable instead; tests use it only where the process
boundary is what they check: the exit code or output of the ``dbt``/``tessera``
executables themselves, a wheel installed into another environment, builds running at the
same time, a build killed mid-way.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, redirect_stderr, redirect_stdout
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
    """What one dbt (or tessera) call did, in this process or in a subprocess."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:  # shown by pytest when an assertion fails
        return f"$ {' '.join(self.args)} -> {self.returncode}\n{self.output[-6000:]}"


# -- running dbt and the tessera CLI in this process -------------------------------------
# Environment every call gets unless the test says otherwise.
BASE_ENV = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


@contextmanager
def scoped_process(cwd: Path | None, env: Mapping[str, str | None] | None) -> Iterator[None]:
    """Run the block as a fresh process would be started: in ``cwd`` with ``env`` added to
    the environment (``None`` unsets a variable). Everything is restored afterwards, also
    whatever the block itself changed in ``os.environ``.

    dbt reads the environment when an invocation starts (flags, ``env_var()``), and the
    plugin reads ``os.environ`` during it, so setting it around the call is enough.
    """
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def exit_code(success: bool, exception: BaseException | None) -> int:
    """The exit code ``dbt`` would have ended with (dbt/cli/main.py, dbt/cli/exceptions.py).

    The CLI runs the click command standalone: ``ResultExit`` (a failed result, no
    exception) exits 1 (``ExitCodes.ModelError``); ``ExceptionExit`` (an exception while
    running) and click's usage errors exit 2. ``dbtRunner`` turns the first into
    ``success=False`` without an exception and the others into ``success=False`` with one.
    """
    if success:
        return 0
    return 1 if exception is None else 2


def reset_process_state() -> None:
    """Forget what an earlier invocation in this process left behind that a new ``dbt``
    process would not have: deprecation warnings are shown once per process."""
    from dbt import deprecations

    deprecations.reset_deprecations()
    deprecations.buffered_deprecations.clear()


def release_process_state() -> None:
    """After an invocation: close dbt-duckdb's process-wide database handle (it holds the
    file's lock, which the test's own connection and other processes need) and detach dbt's
    console logger from the captured stream."""
    from dbt_common.events.event_manager_client import cleanup_event_logger

    from tessera_dbt.cli.dbt_runner import release_duckdb

    release_duckdb()
    cleanup_event_logger()


def run_dbt(
    argv: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    callbacks: Sequence[Any] = (),
    manifest: Any = None,
) -> tuple[DbtResult, Any]:
    """``dbt <argv>`` in this process; returns the result and dbt's ``dbtRunnerResult``.

    stdout is what the ``dbt`` executable prints: dbt's console logger writes into a
    captured stream (``capture_stdout_logs``, the hook dbt's own tests use), with the same
    timestamps, colours and ``print()`` lines; stray writes to ``sys.stdout``/``sys.stderr``
    during the call are captured too. A usage error prints click's ``Error: ...`` line on
    stderr, as the executable does (without the usage text).
    """
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import capture_stdout_logs, stop_capture_stdout_logs

    out, err = io.StringIO(), io.StringIO()
    reset_process_state()
    with (
        scoped_process(cwd, {**BASE_ENV, **(env or {})}),
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        capture_stdout_logs(out)
        try:
            res = dbtRunner(manifest=manifest, callbacks=list(callbacks)).invoke(list(argv))
        finally:
            stop_capture_stdout_logs()
            release_process_state()
    exc = res.exception
    if exc is not None and type(exc).__name__ == "DbtUsageException":
        err.write(f"Error: {exc}\n")
    code = exit_code(bool(res.success), exc)
    return DbtResult(["dbt", *argv], code, out.getvalue(), err.getvalue()), res


def run_tessera(
    argv: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
) -> DbtResult:
    """``tessera <argv>`` in this process, through the console script's own click group in
    standalone mode (its one-line errors and ``sys.exit`` codes are the executable's)."""
    from click.testing import CliRunner

    from tessera_dbt.cli.main import cli

    reset_process_state()
    with scoped_process(cwd, {**BASE_ENV, **(env or {})}):
        try:
            res = CliRunner().invoke(cli, list(argv), prog_name="tessera")
        finally:
            release_process_state()
    stderr = res.stderr
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        # An uncaught exception: the executable would print the traceback and exit 1.
        stderr += "".join(traceback.format_exception(res.exception))
    return DbtResult(["tessera", *argv], res.exit_code, res.stdout, stderr)


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
    def call_env(self, env: Mapping[str, str | None] | None = None) -> dict[str, str | None]:
        """The environment a call in this project adds: the project's, the call's, and
        ``DBT_PROFILES_DIR`` (always this project's profiles)."""
        return {**BASE_ENV, **self.env, **(env or {}), "DBT_PROFILES_DIR": str(self.profiles_dir)}

    def _subprocess(
        self, argv: list[str], expect: int | None, env: Mapping[str, str | None] | None
    ) -> DbtResult:
        full_env = {**os.environ, **self.call_env(env)}
        proc = subprocess.run(
            argv,
            cwd=self.dir,
            env={k: v for k, v in full_env.items() if v is not None},
            capture_output=True,
            text=True,
            timeout=600,
        )
        return self._check(DbtResult(argv, proc.returncode, proc.stdout, proc.stderr), expect)

    @staticmethod
    def _check(res: DbtResult, expect: int | None) -> DbtResult:
        if expect is not None:
            assert res.returncode == expect, str(res)
        return res

    def dbt(
        self,
        *args: str,
        expect: int | None = 0,
        env: Mapping[str, str | None] | None = None,
        subprocess: bool = False,
    ) -> DbtResult:
        """Run ``dbt <args>`` in the project: in this process, or with ``subprocess=True``
        as the ``dbt`` executable of this virtualenv (for tests of the process itself)."""
        if subprocess:
            return self._subprocess([str(VENV_BIN / "dbt"), *args], expect, env)
        res, _ = run_dbt(args, self.dir, self.call_env(env))
        return self._check(res, expect)

    def run_operation(
        self, name: str, args: dict[str, Any] | None = None, expect: int | None = 0, **kw: Any
    ) -> DbtResult:
        """``dbt run-operation tessera.<name> --args '<json>'``."""
        argv = ["run-operation", f"tessera.{name}"]
        if args is not None:
            argv += ["--args", json.dumps(args)]
        return self.dbt(*argv, expect=expect, **kw)

    def tessera(
        self,
        *args: str,
        expect: int | None = 0,
        env: Mapping[str, str | None] | None = None,
        subprocess: bool = False,
    ) -> DbtResult:
        """Run the ``tessera`` console script in the project: in this process, or with
        ``subprocess=True`` as the executable of this virtualenv."""
        if subprocess:
            return self._subprocess([str(VENV_BIN / "tessera"), *args], expect, env)
        return self._check(run_tessera(args, self.dir, self.call_env(env)), expect)

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


# template name -> a copy of it whose `dbt deps` ran (one per process; see make_project)
_INSTALLED_TEMPLATES: dict[str, Path] = {}


def _write_packages(project_dir: Path) -> None:
    (project_dir / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(REPO_ROOT)}]})
    )


def installed_template(template: str) -> Path:
    """``tests/fixtures/<template>`` wired to this repo's package, after a real ``dbt deps``.

    Built once per process and copied for every project: for a ``local:`` package dbt deps
    writes ``package-lock.yml`` and a symlink ``dbt_packages/<name>`` to the package folder
    (an absolute path), so a copy that keeps symlinks is what ``dbt deps`` would produce in
    the copy, without paying for a dbt invocation per project.
    """
    cached = _INSTALLED_TEMPLATES.get(template)
    if cached is not None:
        return cached
    root = Path(tempfile.mkdtemp(prefix=f"tessera-template-{template.replace('/', '-')}-"))
    atexit.register(shutil.rmtree, root, True)
    project_dir = root / "project"
    shutil.copytree(FIXTURES / template, project_dir)
    _write_packages(project_dir)
    # deps needs no profile and no adapter; the profiles dir only has to exist.
    res, _ = run_dbt(["deps"], project_dir, {"DBT_PROFILES_DIR": str(root)})
    assert res.returncode == 0, str(res)
    link = project_dir / "dbt_packages" / "tessera"
    assert link.is_symlink() and link.resolve() == REPO_ROOT.resolve(), "dbt deps changed"
    for generated in ("logs", "target"):
        shutil.rmtree(project_dir / generated, ignore_errors=True)
    _INSTALLED_TEMPLATES[template] = project_dir
    return project_dir


def make_project(
    root: Path,
    adapter: str,
    template: str = "shop",
    pg: PostgresServer | None = None,
    deps: bool = True,
) -> DbtProject:
    """Copy ``tests/fixtures/<template>`` into ``root`` and wire it to this repo's package.

    The template's ``packages.yml`` is rewritten to ``local: <repo root>``; its profile name
    must be ``tessera_test``. With ``deps`` the copy comes from :func:`installed_template`
    (the package installed as ``dbt deps`` installs it).
    """
    project_dir = root / "project"
    if deps:
        shutil.copytree(installed_template(template), project_dir, symlinks=True)
    else:
        shutil.copytree(FIXTURES / template, project_dir)
        _write_packages(project_dir)
    database = pg.create_database() if (adapter == "postgres" and pg) else None
    profiles_dir = root / "profiles"
    write_profiles(profiles_dir, project_dir, adapter, pg, database)
    return DbtProject(project_dir, adapter, profiles_dir, pg, database)


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
