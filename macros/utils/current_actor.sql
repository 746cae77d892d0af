{#- Who is acting: the warehouse session's user where the adapter has one (nobody can spoof
    it); elsewhere (DuckDB) the var tessera_actor, else TESSERA_ACTOR, USER, LOGNAME or
    USERNAME from the environment dbt started with, else 'unknown'. -#}
{% macro current_actor() %}
    {{ return(adapter.dispatch('current_actor', 'tessera')()) }}
{% endmacro %}

{% macro default__current_actor() %}
    {%- set configured = tessera.get_config_var('tessera_actor') -%}
    {%- if configured is not none and (configured | string) | length > 0 -%}
        {{ return(configured | string) }}
    {%- endif -%}
    {%- for name in ['TESSERA_ACTOR', 'USER', 'LOGNAME', 'USERNAME'] -%}
        {%- set found = env_var(name, '') -%}
        {%- if found | length > 0 -%}
            {{ return(found) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('unknown') }}
{% endmacro %}

{% macro duckdb__current_actor() %}
    {{ return(tessera.default__current_actor()) }}
{% endmacro %}

{% macro postgres__current_actor() %}
    {{ return(tessera._session_user('select current_user as actor')) }}
{% endmacro %}

{% macro snowflake__current_actor() %}
    {{ return(tessera._session_user('select current_user() as actor')) }}
{% endmacro %}

{% macro bigquery__current_actor() %}
    {{ return(tessera._session_user('select session_user() as actor')) }}
{% endmacro %}

{#- Databricks: the authenticated user. Spark: current_user(), which in session mode is
    HADOOP_USER_NAME or the OS user (anyone can set it: see docs/warehouses.md). -#}
{% macro spark__current_actor() %}
    {{ return(tessera._session_user('select current_user() as actor')) }}
{% endmacro %}

{% macro trino__current_actor() %}
    {{ return(tessera._session_user('select current_user as actor')) }}
{% endmacro %}

{% macro _session_user(sql) %}
    {%- if not execute -%}{{ return('unknown') }}{%- endif -%}
    {%- set result = run_query(sql) -%}
    {{ return(result.columns[0].values()[0] | string) }}
{% endmacro %}
