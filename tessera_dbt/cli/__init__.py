"""The ``tessera`` console script; it reaches the plugin only through dbt."""

from __future__ import annotations


def main() -> None:
    """Entry point of the ``tessera`` console script."""
    from tessera_dbt.cli.main import main as _main

    _main()
