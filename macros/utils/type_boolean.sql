{#- The column type Tessera uses for boolean values in registry tables. -#}
{% macro type_boolean() %}
    {{ return(adapter.dispatch('type_boolean', 'tessera')()) }}
{% endmacro %}

{% macro default__type_boolean() %}
    {{ return(dbt.type_boolean()) }}
{% endmacro %}

{% macro postgres__type_boolean() %}
    {{ return('boolean') }}
{% endmacro %}

{% macro duckdb__type_boolean() %}
    {{ return('boolean') }}
{% endmacro %}
