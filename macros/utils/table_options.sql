{#- What follows the column list in the registry's "create table" (the table format).

    tessera_table_format (delta or iceberg) names it where the engine needs one. Spark:
    "using <format>"; without the variable the registry must live in a catalog that makes
    Delta or Iceberg tables itself (tessera_schema: ice.tessera, an Iceberg catalog), because
    plain Spark tables (parquet) cannot be merged, updated or deleted from: the registry
    refuses them with one line naming the variable. Databricks: Delta, its default.
    Elsewhere: nothing. -#}
{% macro table_options() %}
    {{ return(adapter.dispatch('table_options', 'tessera')()) }}
{% endmacro %}

{% macro default__table_options() %}
    {%- set format = tessera._table_format() -%}
    {{ return('') }}
{% endmacro %}

{% macro spark__table_options() %}
    {%- set format = tessera._table_format() -%}
    {%- if format -%}
        {{ return('using ' ~ format) }}
    {%- endif -%}
    {%- set schema = tessera.registry_relation().schema -%}
    {%- if '.' not in schema or schema.split('.')[0] | lower == 'spark_catalog' -%}
        {{ exceptions.raise_compiler_error(tessera._table_format_refusal(schema, 'the default format of spark_catalog (parquet)')) }}
    {%- endif -%}
    {#- An own catalog (e.g. Iceberg's SparkCatalog) decides; registry_catalog checks it. -#}
    {{ return('') }}
{% endmacro %}

{% macro databricks__table_options() %}
    {{ return('using ' ~ (tessera._table_format() or 'delta')) }}
{% endmacro %}

{#- tessera_table_format, validated: none, 'delta' or 'iceberg'. -#}
{% macro _table_format() %}
    {%- set format = tessera.get_config_var('tessera_table_format') -%}
    {%- if format is none or format == '' -%}{{ return(none) }}{%- endif -%}
    {%- if format is not string or format | lower not in ['delta', 'iceberg'] -%}
        {{ exceptions.raise_compiler_error("tessera: variable tessera_table_format = " ~ tojson(format | string) ~ " is not allowed; allowed: delta, iceberg") }}
    {%- endif -%}
    {{ return(format | lower) }}
{% endmacro %}

{% macro _table_format_refusal(where, found) %}
    {{ return("tessera: the registry " ~ where ~ " needs Delta or Iceberg tables (merge, update, delete), but its tables would be " ~ found
        ~ "; set the variable tessera_table_format to delta or iceberg, or tessera_schema to a schema of an Iceberg or Delta catalog (e.g. ice.tessera)") }}
{% endmacro %}
