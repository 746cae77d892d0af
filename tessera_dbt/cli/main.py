"""The ``tessera`` console script. Subcommands live in ``tessera_dbt.cli``.

Every error is one line on stderr and exits 2 (``tessera check`` and ``tessera diff`` also
use 1 for "blocked"/"breaking"). Commands that touch a project run dbt in this process
through :mod:`tessera_dbt.cli.dbt_runner`, with dbt's own options.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from tessera_dbt import __version__
from tessera_dbt.cli._common import EXIT_ERROR
from tessera_dbt.cli.asset import asset_group
from tessera_dbt.cli.check import check_command
from tessera_dbt.cli.consumers import register_command, unregister_command
from tessera_dbt.cli.contract import contract_group
from tessera_dbt.cli.dbt_runner import DbtError
from tessera_dbt.cli.demo import demo_command
from tessera_dbt.cli.diff import diff_command
from tessera_dbt.cli.gated import GATED_COMMANDS
from tessera_dbt.cli.misc import init_command, package_path_command
from tessera_dbt.cli.proposal import proposal_group
from tessera_dbt.cli.report import report_command
from tessera_dbt.cli.team import team_group
from tessera_dbt.cli.transfer import export_command, import_command

try:
    from tessera_dbt.cli.notify import notify_command
except ImportError:  # a build without the notifications module: the placeholder says so
    from tessera_dbt.cli.misc import notify_command


class TesseraGroup(click.Group):
    """A group whose errors are one line (``tessera <command>: error: …``) and exit 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; in standalone mode turn every failure into one line."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "tessera"
            hint = f" (see `{where} --help`)" if isinstance(exc, click.UsageError) else ""
            click.echo(f"{where}: error: {exc.format_message()}{hint}", err=True)
            sys.exit(EXIT_ERROR)
        except click.Abort:
            click.echo("tessera: aborted", err=True)
            sys.exit(EXIT_ERROR)
        except DbtError as exc:
            click.echo(f"tessera: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except Exception as exc:
            if os.environ.get("TESSERA_DEBUG"):
                raise
            first = (str(exc).strip().splitlines() or [""])[0]
            click.echo(
                f"tessera: error: {type(exc).__name__}: {first} "
                "(set TESSERA_DEBUG=1 for the traceback)",
                err=True,
            )
            sys.exit(EXIT_ERROR)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=TesseraGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tessera")
def cli() -> None:
    """Tessera: data-contract coordination for dbt.

    Producers publish versioned contracts of their dbt models, consumers register, and a
    breaking change waits for its consumers before `dbt build` ships it. Commands that read
    or change the registry take dbt's --project-dir, --profiles-dir, --target and --vars.
    """


for command in (
    check_command,
    diff_command,
    demo_command,
    team_group,
    register_command,
    unregister_command,
    proposal_group,
    contract_group,
    asset_group,
    init_command,
    export_command,
    import_command,
    report_command,
    notify_command,
    package_path_command,
    *GATED_COMMANDS,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="tessera")
