"""The one place the ``tessera`` CLI invokes dbt: ``dbtRunner`` in this process, else ``dbt``.

Every CLI command that touches a project runs a real dbt command through :func:`invoke`
(``parse`` for ``tessera check``, ``run-operation tessera.<name> --args <json>`` for the
registry commands). A callback collects what dbt reports: ``print()`` output of a macro
(``PrintEvent``, where the run-operations put their JSON documents), ``log(..., info=True)``
lines, warnings and errors. dbt's own console output is switched off (``--log-level
none``): the CLI decides what people see. ``logs/dbt.log`` is written as usual.

Running dbt in-process pays for importing dbt once; a second invocation in the same process
costs well under a second on a small project, where a subprocess costs several. Where dbt's
Python API is not importable (dbt v2 has none), or ``TESSERA_DBT_SUBPROCESS=1``, the same
invocation runs the ``dbt`` executable with ``--log-format json`` and reads the same events
from its output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Events worth keeping besides every info/warn/error one.
_PRINT = "PrintEvent"
_JINJA_INFO = "JinjaLogInfo"
SUBPROCESS_ENV = "TESSERA_DBT_SUBPROCESS"
# Lines of a dbt error message that only frame the real message.
_FRAME = re.compile(
    r"^(Encountered an error.*|.*\b(Error|Exception)( in [^:]*)?:?|> .*|"
    r"Compilation Error in .*|Runtime Error in .*)$"
)


class DbtError(Exception):
    """dbt (or a Tessera operation) refused or failed; ``str()`` is one line for people."""


@dataclass(frozen=True)
class DbtOptions:
    """dbt's own options, passed through unchanged (``None``: dbt's default applies)."""

    project_dir: str | None = None
    profiles_dir: str | None = None
    target: str | None = None
    vars: str | None = None
    # Further dbt flags passed through as given (``--profile x``, ``--target-path t``).
    extra: tuple[str, ...] = ()

    def flags(self) -> list[str]:
        """The options as dbt command-line flags."""
        out: list[str] = list(self.extra)
        for flag, value in (
            ("--project-dir", self.project_dir),
            ("--profiles-dir", self.profiles_dir),
            ("--target", self.target),
            ("--vars", self.vars),
        ):
            if value is not None:
                out += [flag, value]
        return out

    @property
    def project_path(self) -> Path:
        """The project folder (``--project-dir``, else ``DBT_PROJECT_DIR``, else the cwd)."""
        return Path(self.project_dir or os.environ.get("DBT_PROJECT_DIR") or ".").resolve()


@dataclass(frozen=True)
class DbtEvent:
    """One event dbt fired: its name (``PrintEvent``, ``JinjaLogInfo``…), level, message."""

    name: str
    level: str
    msg: str


@dataclass
class DbtOutcome:
    """What one dbt invocation did."""

    args: list[str]
    success: bool
    events: list[DbtEvent] = field(default_factory=list)
    exception: BaseException | None = None
    result: Any = None

    @property
    def printed(self) -> list[str]:
        """What macros ``print()``-ed, in order."""
        return [e.msg for e in self.events if e.name == _PRINT]

    @property
    def logged(self) -> list[str]:
        """What macros logged for people (``log(..., info=True)``)."""
        return [e.msg for e in self.events if e.name == _JINJA_INFO]

    @property
    def errors(self) -> list[str]:
        """Messages of error-level events (dbt's own, and Tessera's refusals)."""
        return [e.msg for e in self.events if e.level == "error"]

    @property
    def warnings(self) -> list[str]:
        """Messages of warning-level events."""
        return [e.msg for e in self.events if e.level == "warn"]

    def error_text(self) -> str:
        """The whole error as dbt reported it (several lines), or an empty string."""
        if self.errors:
            return "\n".join(self.errors)
        if self.exception is not None:
            return str(self.exception)
        return ""

    def error_line(self) -> str:
        """The error in one line: the ``tessera.<op>: …`` refusal when there is one."""
        return one_line(self.error_text()) or f"dbt {' '.join(self.args[:2])} failed"

    def json_document(self) -> Any:
        """The last ``print()``-ed line that is a JSON object, or ``None``."""
        for text in reversed(self.printed):
            text = text.strip()
            if not text.startswith("{"):
                continue
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                continue
        return None


def one_line(message: str) -> str:
    """Boil a dbt error message down to the line that says what is wrong.

    dbt frames a macro's message (``Compilation Error in macro x (file)`` above, ``> in
    macro …`` below); Tessera's refusals start with ``tessera.<op>:`` or ``Tessera``.
    """
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    for line in lines:
        if line.lower().startswith("tessera"):
            return line
    for n, line in enumerate(lines):
        if not _FRAME.match(line):
            if line.endswith(":"):
                # "The valid target names for this profile are:" + one line per item.
                items = [i.lstrip("-* ") for i in lines[n + 1 : n + 11] if not _FRAME.match(i)]
                return f"{line} {', '.join(items)}".strip()
            return line
    return lines[0]


@contextmanager
def environment(env: Mapping[str, str] | None) -> Iterator[None]:
    """Set environment variables for one invocation (the plugin reads ``os.environ``)."""
    if not env:
        yield
        return
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke(
    args: Sequence[str],
    options: DbtOptions | None = None,
    *,
    env: Mapping[str, str] | None = None,
    on_print: Callable[[str], None] | None = None,
) -> DbtOutcome:
    """Run ``dbt <args> <options>`` in this process and collect its events.

    Never raises for a dbt failure: the outcome says ``success`` and carries the errors.
    With ``on_print``, what macros print is handed to it as it arrives instead of being
    kept (a run-operation streaming a large table never has it all in memory).
    """
    if use_subprocess():
        return _invoke_subprocess(args, options, env)
    from dbt.cli.main import dbtRunner

    events: list[DbtEvent] = []

    def collect(event: Any) -> None:
        info = event.info
        if on_print is not None and info.name == _PRINT:
            on_print(str(info.msg))
            return
        if info.level == "debug" and info.name != _PRINT:
            return
        events.append(DbtEvent(str(info.name), str(info.level), str(info.msg)))

    argv = [*args, *(options or DbtOptions()).flags(), "--log-level", "none"]
    with environment(env):
        try:
            res = dbtRunner(callbacks=[collect]).invoke(argv)
        except Exception as exc:  # dbt raises only for bugs and interrupted runs
            return DbtOutcome(list(args), False, events, exc, None)
        finally:
            release_duckdb()
    return DbtOutcome(list(args), bool(res.success), events, res.exception, res.result)


def use_subprocess() -> bool:
    """Run ``dbt`` as a subprocess: dbt's Python API is missing, or the user asked for it."""
    if os.environ.get(SUBPROCESS_ENV, "").lower() in {"1", "true", "yes"}:
        return True
    try:
        import dbt.cli.main  # noqa: F401
    except ImportError:
        return True
    return False


def dbt_executable() -> str:
    """The ``dbt`` next to this Python (the same venv), else the first on the PATH."""
    here = Path(sys.executable).parent / "dbt"
    if here.exists():
        return str(here)
    found = shutil.which("dbt")
    if found is None:
        raise DbtError("dbt is not installed: no `dbt` executable on the PATH")
    return found


def _event(line: str) -> DbtEvent | None:
    """One line of ``--log-format json`` output as an event (None for other lines)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    info = data.get("info") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return None
    msg = info.get("msg")
    body = data.get("data")
    if info.get("name") == _PRINT and isinstance(body, dict) and isinstance(body.get("msg"), str):
        msg = body["msg"]  # the printed text itself, without a timestamp
    return DbtEvent(str(info.get("name")), str(info.get("level")), str(msg or ""))


def _invoke_subprocess(
    args: Sequence[str], options: DbtOptions | None, env: Mapping[str, str] | None
) -> DbtOutcome:
    argv = [dbt_executable(), *args, *(options or DbtOptions()).flags(), "--log-format", "json"]
    proc = subprocess.run(
        argv, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    events = [e for e in map(_event, proc.stdout.splitlines()) if e is not None]
    events = [e for e in events if e.level != "debug" or e.name == _PRINT]
    exception = None
    if proc.returncode != 0 and not any(e.level == "error" for e in events):
        exception = DbtError(proc.stderr.strip() or f"dbt exited {proc.returncode}")
    return DbtOutcome(list(args), proc.returncode == 0, events, exception, None)


def release_duckdb() -> None:
    """Close dbt-duckdb's database file after an invocation.

    dbt-duckdb keeps one database handle per process between invocations, which holds the
    file's lock: another process (a ``dbt build`` in a terminal) could not open it while
    this one lives. The next invocation simply opens it again.
    """
    module = sys.modules.get("dbt.adapters.duckdb.connections")
    manager = getattr(module, "DuckDBConnectionManager", None)
    if manager is None:
        return
    with manager._LOCK:
        env = getattr(manager, "_ENV", None)
        if env is None or getattr(env, "handle_count", 0) > 0:
            return
        env.close()
        manager._ENV = None


def run_operation(
    name: str,
    arguments: Mapping[str, Any] | None = None,
    options: DbtOptions | None = None,
) -> DbtOutcome:
    """``dbt run-operation tessera.<name> --args '<json>'``; raise DbtError on failure.

    ``None`` values are left out of the arguments (the operation's default applies).
    """
    args = ["run-operation", f"tessera.{name}"]
    given = {k: v for k, v in (arguments or {}).items() if v is not None}
    if given:
        args += ["--args", json.dumps(given)]
    outcome = invoke(args, options)
    if not outcome.success:
        raise DbtError(explain_failure(outcome.error_line()))
    return outcome


#: What every CLI command says when the project lacks Tessera's dbt package (as tessera check).
MISSING_PACKAGE = (
    "Tessera's dbt package is not installed in this project: list the tessera package in "
    "packages.yml (`tessera package-path` prints a folder for `local:`) and run `dbt deps`"
)


def explain_failure(line: str) -> str:
    """dbt's one-line failure, or what to do when it means the package is missing."""
    lowered = line.lower()
    if "could not find a macro" in lowered or (
        "macro" in lowered and "tessera" in lowered and "not found" in lowered
    ):
        return MISSING_PACKAGE
    return line


def operation_json(
    name: str,
    arguments: Mapping[str, Any] | None = None,
    options: DbtOptions | None = None,
) -> dict[str, Any]:
    """Run an operation with ``format: json`` and return the document it printed."""
    outcome = run_operation(name, {**(arguments or {}), "format": "json"}, options)
    document = outcome.json_document()
    if not isinstance(document, dict):
        raise DbtError(
            f"tessera.{name} printed no JSON document (is the tessera package in "
            "dbt_packages up to date? run `dbt deps`)"
        )
    return document
