"""Small commands: ``package-path``, ``init``, ``notify``."""

from __future__ import annotations

from typing import Any

import click

from tessera_dbt.cli import notify as _notify
from tessera_dbt.cli._common import CliError, act, dbt_options, format_option, options_from
from tessera_dbt.package import package_path


@click.command("package-path")
def package_path_command() -> None:
    """Print the folder of the bundled dbt package, for packages.yml (`local:`).

    Naming it keeps the dbt macros at the same version as the installed plugin.
    """
    try:
        click.echo(str(package_path()))
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None


@click.command("init")
@dbt_options
@format_option("text", "json")
def init_command(fmt: str, **kw: Any) -> None:
    """Create or migrate the registry tables (tessera.init; builds do it too)."""
    act("init", {}, options_from(kw), fmt)


# `tessera notify` lives in its own module (tessera_dbt/cli/notify.py).
notify_command = _notify.notify_command
