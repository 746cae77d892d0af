"""The dbt plugin: evaluates contracts after parse (``get_manifest_artifacts``)."""

from __future__ import annotations

from typing import Any

from dbt.plugins.manager import dbtPlugin


class TesseraPlugin(dbtPlugin):
    """Extracts contracts, compares them with the registry and records a verdict."""

    def initialize(self) -> None:
        """No I/O here: dbt calls this for nearly every command, before any adapter."""

    def get_manifest_artifacts(self, manifest: Any) -> dict[str, Any]:
        """Run the gate's evaluation for this invocation."""
        return {}
