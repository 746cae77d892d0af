"""Subcommands of the ``tessera`` console script."""
