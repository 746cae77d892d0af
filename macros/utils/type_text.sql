{#- The column type Tessera uses for text values in registry tables. -#}
{% macro type_text() %}
    {{ return(adapter.dispatch('type_text', 'tessera')()) }}
{% endmacro %}

{% macro default__type_text() %}
    {{ return(dbt.type_string()) }}
{% endmacro %}

{% macro postgres__type_text() %}
    {{ return('text') }}
{% endmacro %}

{% macro duckdb__type_text() %}
    {{ return('varchar') }}
{% endmacro %}

{#- Redshift reads plain text as varchar(256): JSON documents need the maximum. -#}
{% macro redshift__type_text() %}
    {{ return('varchar(65535)') }}
{% endmacro %}
