"""The dbt plugin: evaluates every asset after parse (``get_manifest_artifacts``).

dbt calls the hook after writing manifest.json and before anything executes. The plugin
extracts contracts, reads the registry through the package's macros, lets the pure gate
decide, and records the decisions for this invocation in ``tessera_checks`` (where the
package's on-run-start hook reads them and refuses to run blocked models) and in
``target/tessera_check.json``.

An exception raised here stops dbt with exit 2 before any node runs; the plugin only raises
for gated commands, and never for ``run-operation`` (that is how consumers answer).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

from dbt.plugins.manager import dbt_hook, dbtPlugin

from tessera_dbt.plugin import dbt_compat
from tessera_dbt.plugin.evaluation import Evaluator, TesseraGateError

CHECK_ARTIFACT = "tessera_check.json"
# `tessera check` sets this: evaluate, write the artifact, write nothing to the registry.
CHECK_ONLY_ENV = "TESSERA_CHECK_ONLY"
# `tessera build|run|…` sets this after evaluating manifest.json itself: the hooks read that
# evaluation (and verify its fingerprints), so the plugin has nothing left to do.
EVALUATED_ENV = "TESSERA_INVOCATION_ID"


class TesseraPlugin(dbtPlugin):
    """Extracts contracts, compares them with the registry and records a verdict."""

    def initialize(self) -> None:
        """No I/O here: dbt calls this for nearly every command, before any adapter."""

    @dbt_hook  # type: ignore[untyped-decorator]
    def get_manifest_artifacts(self, manifest: Any) -> dict[str, Any]:
        """Run the gate's evaluation for this invocation (see the module docstring)."""
        if not dbt_compat.has_tessera_package(manifest):
            # Installed in the Python environment, but this project does not use Tessera.
            return {}
        if os.environ.get(EVALUATED_ENV):
            return {}
        command = dbt_compat.current_command() or ""
        check_only = os.environ.get(CHECK_ONLY_ENV, "").lower() in {"1", "true", "yes"}
        evaluator = Evaluator(
            manifest, command, check_only=check_only, operation_args=_operation_args(command)
        )
        try:
            report = evaluator.run()
        except TesseraGateError as exc:
            # A plain exception: dbt wraps it once as "get_manifest_artifacts: <message>".
            raise RuntimeError(str(exc)) from None
        if report is not None:
            _write_artifact(manifest, report)
        return {}


def _operation_args(command: str) -> dict[str, Any]:
    """The ``--args`` of a run-operation (a dict; dbt parsed the YAML), else empty."""
    if command != "run-operation":
        return {}
    try:
        from dbt.flags import get_flags

        args = getattr(get_flags(), "ARGS", None)  # type: ignore[no-untyped-call]
    except Exception:  # flags not set: called outside a dbt invocation
        return {}
    return dict(args) if isinstance(args, dict) else {}


def _write_artifact(manifest: Any, report: dict[str, Any]) -> None:
    target = dbt_compat.target_path(manifest)
    if target is None:
        return
    path = Path(target) / CHECK_ARTIFACT
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"generated_at": _dt.datetime.now(_dt.timezone.utc).isoformat(), **report}
    path.write_text(json.dumps(report, indent=2, sort_keys=False, default=str))
