"""The ``tessera`` console script. Subcommands live in ``tessera_dbt.commands``."""

from __future__ import annotations

import click

from tessera_dbt import __version__
from tessera_dbt.commands.diff import diff_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tessera")
def cli() -> None:
    """Tessera: data-contract coordination for dbt."""


cli.add_command(diff_command, "diff")


def main() -> None:
    """Entry point of the console script."""
    cli()
