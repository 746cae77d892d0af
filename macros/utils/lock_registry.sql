{#- SQL that serializes writers of the registry until the next commit (PostgreSQL: a
    transaction-scoped advisory lock keyed by the registry schema; elsewhere nothing:
    Redshift, which dispatches to postgres__ variants, has no advisory locks and relies on
    its serializable isolation, which rejects the second of two conflicting writers).

    PostgreSQL: the SQL opens the transaction itself ("begin; ..."). dbt commits by sending
    the text COMMIT, after which psycopg2 sends no BEGIN before the next statement on that
    connection: every later statement would run in its own implicit transaction and the
    lock would be released as soon as it was granted. An explicit begin keeps it until
    adapter.commit() (inside an open transaction it is only a warning). -#}
{% macro lock_registry(name='registry') %}
    {{ return(adapter.dispatch('lock_registry', 'tessera')(name)) }}
{% endmacro %}

{% macro default__lock_registry(name) %}
    {{ return('') }}
{% endmacro %}

{% macro postgres__lock_registry(name) %}
    {%- set relation = tessera.registry_relation() -%}
    {%- set key = local_md5('tessera|' ~ relation.database ~ '|' ~ relation.schema ~ '|' ~ name)[:15] | int(base=16) -%}
    {{ return('begin; select pg_advisory_xact_lock(' ~ key ~ ')') }}
{% endmacro %}

{% macro redshift__lock_registry(name) %}
    {{ return('') }}
{% endmacro %}
