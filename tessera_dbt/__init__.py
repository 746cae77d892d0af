"""Tessera: data-contract coordination for dbt."""

__version__ = "0.1.0"
