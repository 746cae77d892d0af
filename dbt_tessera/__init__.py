"""dbt plugin shim: dbt discovers plugins only in top-level modules named ``dbt_*``."""

from tessera_dbt.plugin.hook import TesseraPlugin

plugins = [TesseraPlugin]
