{#- dbt run-operation tessera.init: create the registry schema and tables, or migrate them
    in place. Idempotent. -#}
{% macro init() %}
    {%- do tessera.reject_unknown_args('init', kwargs, []) -%}
    {%- set result = tessera.ensure_registry() -%}
    {%- if execute -%}
        {%- set where = tessera.registry_relation() | string -%}
        {%- if result.created | length > 0 or result.added | length > 0 -%}
            {%- do log('tessera: registry ' ~ where ~ ' at schema version ' ~ result.version ~ ': created ' ~ result.created | length ~ ' tables, added ' ~ result.added | length ~ ' columns', info=true) -%}
        {%- else -%}
            {%- do log('tessera: registry ' ~ where ~ ' is up to date (schema version ' ~ result.version ~ ')', info=true) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
