{#- The column type Tessera uses for timestamp values in registry tables. -#}
{% macro type_timestamp() %}
    {{ return(adapter.dispatch('type_timestamp', 'tessera')()) }}
{% endmacro %}

{% macro default__type_timestamp() %}
    {{ return(dbt.type_timestamp()) }}
{% endmacro %}

{% macro postgres__type_timestamp() %}
    {{ return('timestamp') }}
{% endmacro %}

{% macro duckdb__type_timestamp() %}
    {{ return('timestamp') }}
{% endmacro %}
