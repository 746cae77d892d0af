"""``tessera build|run|seed|snapshot|retry|clone [dbt args…]``: the gate without the plugin.

Where dbt has no Python plugins (dbt v2), or the plugin is not installed, the same
evaluation runs here, on the ``manifest.json`` any engine writes:

1. ``dbt parse`` with the user's project, profile, target and vars;
2. :class:`~tessera_dbt.plugin.evaluation.Evaluator` on ``target/manifest.json``, reading the
   registry through one run-operation (``tessera.evaluation_inputs``) and recording what it
   decided through one more (``tessera.record_evaluation``), under a fresh invocation id;
3. the dbt command itself, under that id: ``--invocation-id`` where dbt accepts it (dbt v2),
   else the ``TESSERA_INVOCATION_ID`` environment variable, which the package's hooks read
   (and which tells an installed plugin that the evaluation is done).

on-run-start then finds the evaluation, checks each selected model's contract fingerprint
against it, and blocks or lets the command run exactly as with the plugin. The dbt command
runs as a subprocess with the terminal's output; its exit code is this command's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import yaml

from tessera_dbt.cli.check import target_path
from tessera_dbt.cli.dbt_runner import DbtError, DbtOptions, dbt_executable, invoke
from tessera_dbt.core import vocab
from tessera_dbt.plugin.evaluation import ALL_STATUSES, Evaluator, TesseraGateError
from tessera_dbt.plugin.registry import Registry, RegistryError

INVOCATION_ENV = "TESSERA_INVOCATION_ID"
GATED: tuple[str, ...] = vocab.GATED_COMMANDS
# dbt flags (taking a value) that say which project, profile and target to use: the
# parse and the registry's run-operations need them too; selection flags only the command.
_CONTEXT_FLAGS = {
    "--project-dir": "project_dir",
    "--profiles-dir": "profiles_dir",
    "--target": "target",
    "-t": "target",
    "--vars": "vars",
    "--profile": None,
    "--target-path": None,
}
# What the evaluation reads, and the writes it queues for one run-operation.
_READS = ("get_config", "evaluation_state", "ensure_registry", "load_state", "relation_columns")
_WRITES: dict[str, Any] = {
    "ensure_teams": [],
    "upsert_assets": {},
    "continue_assets": None,
    "supersede_proposals": [],
    "expire_proposals": None,
    "sync_derived_registrations": None,
    "open_proposals": [],
    "record_events": None,
    "write_checks": 0,
}
# One environment variable holds at most this many characters (Linux allows 128 KiB).
_CHUNK = 100_000


def split_args(args: Sequence[str]) -> tuple[DbtOptions, str | None]:
    """The project/profile/target/vars flags among dbt args, and ``--invocation-id``."""
    known: dict[str, str] = {}
    extra: list[str] = []
    invocation: str | None = None
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        flag, eq, inline = arg.partition("=")
        if flag in _CONTEXT_FLAGS or flag == "--invocation-id":
            if eq:
                value = inline
            elif i + 1 < len(items):
                i += 1
                value = items[i]
            else:
                raise click.UsageError(f"{flag} needs a value")
            field = _CONTEXT_FLAGS.get(flag)
            if flag == "--invocation-id":
                invocation = value
            elif field is not None:
                known[field] = value
            else:
                extra += [flag, value]
        i += 1
    options = DbtOptions(
        project_dir=known.get("project_dir"),
        profiles_dir=known.get("profiles_dir"),
        target=known.get("target"),
        vars=known.get("vars"),
        extra=tuple(extra),
    )
    return options, invocation


def parse_vars(text: str | None) -> dict[str, Any]:
    """``--vars`` as dbt reads it (YAML); refuse what is not a mapping."""
    if not text:
        return {}
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise click.UsageError(f"--vars is not valid YAML: {exc}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise click.UsageError("--vars must be a YAML mapping, e.g. '{key: value}'")
    return value


class OperationRegistry(Registry):
    """The registry reached through ``dbt run-operation`` (no dbt Python API needed).

    Reads are served from one ``tessera.evaluation_inputs`` document; writes are queued in
    order and sent by :meth:`flush` to ``tessera.record_evaluation``, which makes the same
    macro calls the plugin makes.
    """

    def __init__(self, options: DbtOptions, *, ensure: bool) -> None:
        super().__init__(adapter=None, manifest=None)
        self.options = options
        self.ensure_first = ensure
        self.queued: list[dict[str, Any]] = []
        self._inputs: dict[str, Any] | None = None
        self.failure = "the registry was not read"

    @contextmanager
    def session(self) -> Iterator[Registry]:
        """Every run-operation is its own connection: nothing to hold."""
        yield self

    def prefetch(self, env: Mapping[str, str] | None = None) -> None:
        """Read everything the evaluation reads (one run-operation, which also writes
        ``manifest.json``)."""
        args = {"ensure": self.ensure_first, "statuses": list(ALL_STATUSES)}
        outcome = invoke(
            ["run-operation", "tessera.evaluation_inputs", "--args", json.dumps(args)],
            DbtOptions(
                self.options.project_dir,
                self.options.profiles_dir,
                self.options.target,
                self.options.vars,
                (*self.options.extra, "--write-json"),
            ),
            env=env,
        )
        document = outcome.json_document() if outcome.success else None
        if isinstance(document, dict):
            self._inputs = document
        elif outcome.success:
            self.failure = "tessera.evaluation_inputs printed nothing (run `dbt deps`)"
        else:
            self.failure = outcome.error_line()

    def _read(self) -> dict[str, Any]:
        if self._inputs is None:
            # The evaluator reports it as an unreachable registry (or fails open).
            raise RegistryError(f"tessera.evaluation_inputs failed: {self.failure}")
        return self._inputs

    def call(self, macro: str, **kwargs: Any) -> Any:
        """Serve a read from the prefetched document, or queue a write."""
        if macro == "relation_columns":
            # Drift is checked by the plugin's evaluation; the CLI gate reads no live columns.
            return []
        if macro in _READS:
            inputs = self._read()
            if macro == "get_config":
                return inputs.get("config") or {}
            if macro == "ensure_registry":
                return inputs.get("ensured") or {}
            if macro == "load_state":
                if inputs.get("missing") or inputs.get("state") is None:
                    raise RegistryError("tessera.load_state: the registry does not exist yet")
                return inputs["state"]
            return inputs  # evaluation_state: {config, ensured, missing, state}
        if macro in _WRITES:
            self.queued.append({"macro": macro, "kwargs": kwargs})
            return _WRITES[macro]
        raise RegistryError(f"tessera.{macro} is not available without the plugin")

    def flush(self) -> int:
        """Send the queued writes in one run-operation; returns how many calls it made."""
        if not self.queued:
            return 0
        text = json.dumps(self.queued, default=str, separators=(",", ":"))
        chunks = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)]
        env = {f"TESSERA_CALLS_{n}": c for n, c in enumerate(chunks)}
        env["TESSERA_CALLS_COUNT"] = str(len(chunks))
        outcome = invoke(["run-operation", "tessera.record_evaluation"], self.options, env=env)
        if not outcome.success:
            raise RegistryError(f"tessera.record_evaluation failed: {outcome.error_line()}")
        count = len(self.queued)
        self.queued = []
        return count


def _target_folder(options: DbtOptions) -> Path:
    extra = list(options.extra)
    if "--target-path" in extra:
        configured = Path(extra[extra.index("--target-path") + 1])
        return configured if configured.is_absolute() else options.project_path / configured
    return target_path(options.project_path)


@contextmanager
def _keep_run_results(options: DbtOptions) -> Iterator[None]:
    """Restore ``run_results.json`` after the evaluation's run-operations (which rewrite
    it): ``dbt retry`` reads the previous command's results from there."""
    path = _target_folder(options) / "run_results.json"
    saved = path.read_bytes() if path.is_file() else None
    try:
        yield
    finally:
        if saved is not None:
            path.write_bytes(saved)


def read_manifest(
    options: DbtOptions, newer_than: float = 0.0, failure: str = ""
) -> dict[str, Any]:
    """``manifest.json`` of the project, as dbt just wrote it (else DbtError: ``failure``,
    what dbt said, is why it did not)."""
    path = _target_folder(options) / "manifest.json"
    if not path.is_file() or path.stat().st_mtime < newer_than - 1:
        raise DbtError(failure or f"dbt did not write {path}")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DbtError(f"cannot read {path}: {exc}") from None
    return manifest


def evaluate(
    options: DbtOptions,
    command: str,
    invocation_id: str,
    *,
    check_only: bool = False,
    log: Callable[[str, str], None] | None = None,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Parse and read the registry, evaluate ``manifest.json``, record the verdicts.

    ``check_only``: read only (``tessera check``): nothing is created or recorded.

    Returns the evaluation's report and the manifest. Raises DbtError when dbt fails (the
    project does not parse) and TesseraGateError when the gate cannot run (an unreachable
    registry, unless tessera_fail_open).
    """
    registry = OperationRegistry(options, ensure=not check_only)
    # The run-operation that reads the registry also parses the project and writes
    # manifest.json: one dbt invocation for both. The id in the environment tells an
    # installed plugin that the evaluation is done here.
    with _keep_run_results(options):
        started = time.time()
        registry.prefetch(env={INVOCATION_ENV: invocation_id})
        manifest = read_manifest(options, newer_than=started, failure=registry.failure)
        evaluator = Evaluator(
            None,
            command,
            check_only=check_only,
            registry=registry,
            projection=manifest,
            invocation=invocation_id,
            vars=parse_vars(options.vars),
            log=log,
        )
        report = evaluator.run()
        registry.flush()
    return report, manifest


def _engine_major(manifest: Mapping[str, Any]) -> int:
    version = str((manifest.get("metadata") or {}).get("dbt_version") or "1")
    try:
        return int(version.split(".")[0])
    except ValueError:
        return 1


def _log(level: str, message: str) -> None:
    click.echo(("Warning: " if level == "warn" else "") + message, err=True)


def run_gated(command: str, args: Sequence[str]) -> int:
    """Evaluate, record, then run ``dbt <command> <args>``; returns dbt's exit code."""
    options, given_id = split_args(args)
    invocation_id = given_id or str(uuid.uuid4())
    try:
        _report, manifest = evaluate(options, command, invocation_id, log=_log)
    except (DbtError, TesseraGateError, RegistryError) as exc:
        click.echo(f"tessera {command}: error: {exc}", err=True)
        return 2
    argv = [dbt_executable(), command, *args]
    if given_id is None and _engine_major(manifest) >= 2:
        argv += ["--invocation-id", invocation_id]  # dbt v2: then Jinja's invocation_id
    env = {**os.environ, INVOCATION_ENV: invocation_id}
    return subprocess.run(argv, env=env, check=False).returncode


def _gated_command(name: str) -> click.Command:
    @click.command(
        name,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    @click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
    def command(dbt_args: tuple[str, ...]) -> None:
        if "--help" in dbt_args or "-h" in dbt_args:
            ctx = click.get_current_context()
            click.echo(ctx.get_help())
            click.echo(f"\ndbt's own arguments: dbt {name} --help")
            sys.exit(0)
        sys.exit(run_gated(name, dbt_args))

    command.help = (
        f"Evaluate the contracts (as the plugin does), then run `dbt {name} [DBT_ARGS]` "
        "under the same invocation id. For dbt without Python plugins (dbt v2); every "
        "argument goes to dbt. Exit code: dbt's (2 when the evaluation cannot run)."
    )
    return command


GATED_COMMANDS: list[click.Command] = [_gated_command(n) for n in GATED]
