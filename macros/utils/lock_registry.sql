{#- SQL that serializes writers of the registry inside the current transaction (PostgreSQL:
    a transaction-scoped advisory lock keyed by the registry schema; elsewhere nothing). -#}
{% macro lock_registry(name='registry') %}
    {{ return(adapter.dispatch('lock_registry', 'tessera')(name)) }}
{% endmacro %}

{% macro default__lock_registry(name) %}
    {{ return('') }}
{% endmacro %}

{% macro postgres__lock_registry(name) %}
    {%- set relation = tessera.registry_relation() -%}
    {%- set key = local_md5('tessera|' ~ relation.database ~ '|' ~ relation.schema ~ '|' ~ name)[:15] | int(base=16) -%}
    {{ return('select pg_advisory_xact_lock(' ~ key ~ ')') }}
{% endmacro %}
