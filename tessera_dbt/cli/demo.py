"""``tessera demo``: the walk-through on embedded DuckDB (see ``tessera_dbt.cli.walkthrough``)."""

from __future__ import annotations

import click

from tessera_dbt.cli._common import CliError


@click.command("demo")
@click.option("--keep", is_flag=True, help="Keep the demo project to explore it afterwards.")
def demo_command(keep: bool) -> None:
    """Run the whole story in a temporary dbt project on DuckDB (about a minute).

    A first build publishes 1.0.0, a consumer registers, a dropped column is blocked,
    the consumer approves, and the build ships 2.0.0.
    """
    from tessera_dbt.cli.walkthrough import DemoError, run_demo

    try:
        run_demo(keep=keep, say=click.echo)
    except DemoError as exc:
        raise CliError(f"the demo stopped: {str(exc).splitlines()[0]}") from None
    except ImportError as exc:
        raise CliError(
            f"the demo needs dbt-duckdb ({exc}); install it: pip install 'tessera-dbt[duckdb]'"
        ) from None
