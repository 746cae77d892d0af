{#- Whether the registry schema exists, asked without touching it: a catalog query that
    works even when tessera_database names a database that does not exist (on-run-start
    uses it under tessera_fail_open, to warn instead of failing on an unreachable registry).
    Dispatched: warehouses whose information_schema lives per database override it. -#}
{% macro registry_schema_exists() %}
    {{ return(adapter.dispatch('registry_schema_exists', 'tessera')()) }}
{% endmacro %}

{% macro default__registry_schema_exists() %}
    {%- set relation = tessera.registry_relation() -%}
    {%- set sql -%}
select count(*) as n
from information_schema.schemata
where lower(catalog_name) = lower({{ tessera.quote_literal(relation.database) }})
  and lower(schema_name) = lower({{ tessera.quote_literal(relation.schema) }})
    {%- endset -%}
    {%- set rows = tessera.run_select(sql) -%}
    {{ return(rows | length > 0 and rows[0].n | int > 0) }}
{% endmacro %}

{#- Spark and Databricks: no information_schema; "show schemas" (in the catalog named by the
    schema's prefix, e.g. ice.tessera). -#}
{% macro spark__registry_schema_exists() %}
    {%- set parts = tessera.registry_relation().schema.split('.') -%}
    {%- set sql = ('show schemas in ' ~ parts[:-1] | join('.')) if parts | length > 1 else 'show schemas' -%}
    {%- for row in run_query(sql) -%}
        {%- if (row[0] | string | lower) == parts[-1] | lower -%}{{ return(true) }}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}
