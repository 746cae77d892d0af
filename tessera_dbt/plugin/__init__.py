"""Code that runs inside dbt's process: the hook, dbt shims, the registry client, evaluation.

Importing this package is cheap; the hook module (``tessera_dbt.plugin.hook``) is what the
``dbt_tessera`` shim loads.
"""
