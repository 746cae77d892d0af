{#- The column type Tessera uses for integer values in registry tables. -#}
{% macro type_integer() %}
    {{ return(adapter.dispatch('type_integer', 'tessera')()) }}
{% endmacro %}

{% macro default__type_integer() %}
    {{ return(dbt.type_bigint()) }}
{% endmacro %}

{% macro postgres__type_integer() %}
    {{ return('bigint') }}
{% endmacro %}

{% macro duckdb__type_integer() %}
    {{ return('bigint') }}
{% endmacro %}
