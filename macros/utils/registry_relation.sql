{#- The relation of a registry table: {{ tessera_database }}.{{ tessera_schema }}.<identifier>.
    Without an identifier: the registry schema itself (for adapter.create_schema). The
    identifier must be one of tessera.vocabulary().tables (or its import staging table): a
    misspelt name fails here. -#}
{% macro registry_relation(identifier=none) %}
    {%- set database = tessera.get_config_var('tessera_database') -%}
    {%- set schema = tessera.get_config_var('tessera_schema') -%}
    {%- set checked = [('tessera_schema', schema)] -%}
    {#- Adapters without a database level (Spark: target.database is undefined) name the
        registry by schema alone (which may carry a catalog: ice.tessera). -#}
    {%- if (database is not defined or database is none) and (target.database is not defined or target.database is none) -%}
        {%- set database = none -%}
    {%- else -%}
        {%- do checked.append(('tessera_database', database)) -%}
    {%- endif -%}
    {%- for label, value in checked | reverse -%}
        {%- if value is not string or value | length == 0 or '"' in value or '`' in value or '\x00' in value -%}
            {{ exceptions.raise_compiler_error("tessera: variable " ~ label ~ " = " ~ tojson(value) ~ " is not a usable name; allowed: a non-empty name without quote characters") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if identifier is none -%}
        {{ return(api.Relation.create(database=database, schema=schema)) }}
    {%- endif -%}
    {%- set tables = tessera.vocabulary().tables.values() | list -%}
    {#- `tessera import` stages each table as <table>__import (see import_registry). -#}
    {%- set base = identifier[:-8] if identifier is string and identifier.endswith('__import') else identifier -%}
    {%- if base not in tables -%}
        {{ exceptions.raise_compiler_error("tessera: " ~ tojson(identifier) ~ " is not a registry table; allowed: " ~ tables | join(', ')) }}
    {%- endif -%}
    {{ return(api.Relation.create(database=database, schema=schema, identifier=identifier, type='table')) }}
{% endmacro %}
