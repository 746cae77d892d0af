"""``tessera export --format odcs [--model M]``: ODCS v3.1 YAML of each asset's latest contract."""

from __future__ import annotations

from typing import Any

import click
import yaml

from tessera_dbt.cli._common import fail
from tessera_dbt.cli.dbt_runner import DbtOptions
from tessera_dbt.cli.transfer import output_stream, read_tables
from tessera_dbt.core.odcs import odcs_documents
from tessera_dbt.core.transfer import TableSpec

#: The registry tables an ODCS document draws on (the audit log and checks are skipped).
ODCS_TABLES = (
    "tessera_assets",
    "tessera_contracts",
    "tessera_teams",
    "tessera_team_members",
    "tessera_registrations",
    "tessera_proposals",
    "tessera_proposal_teams",
    "tessera_acknowledgements",
)


def _keep(table: str, row: list[Any], spec: TableSpec) -> bool:
    return table in ODCS_TABLES


def export_odcs(options: DbtOptions, output: str | None, model: str | None) -> int:
    """Write one YAML document per asset (``---`` between them); return how many."""
    _, tables = read_tables(options, _keep)
    documents = odcs_documents(tables, model)
    if model is not None and not documents:
        fail(
            f"--model {model!r}: no asset with a published contract has that name or unique id "
            "(see `tessera contract list`)"
        )
    with output_stream(output) as out:
        yaml.safe_dump_all(documents, out, sort_keys=False, allow_unicode=True, width=100)
    if output not in (None, "-"):
        click.echo(
            f"tessera export: wrote {len(documents)} ODCS v3.1 contract(s) to {output}", err=True
        )
    return len(documents)
