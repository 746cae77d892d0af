"""The pure core: contracts, types, extraction, diff, policy, gate decisions, consumers.

Nothing here imports dbt, agate, requests or click (an import-linter contract enforces it),
so every rule can be unit-tested with plain data and reused by the plugin and the CLI.
"""
