"""dbt plugin shim: dbt discovers plugins only in top-level modules named ``dbt_*``."""

from tessera_dbt.plugin import TesseraPlugin

plugins = [TesseraPlugin]
