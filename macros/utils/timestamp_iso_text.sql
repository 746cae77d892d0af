{#- SQL for a registry timestamp column (UTC, no time zone) as ISO-8601 text with
    microseconds and a Z: 2026-01-31T12:34:56.000000Z. -#}
{% macro timestamp_iso_text(column) %}
    {{ return(adapter.dispatch('timestamp_iso_text', 'tessera')(column)) }}
{% endmacro %}

{% macro default__timestamp_iso_text(column) %}
    {{ return("replace(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), ' ', 'T') || 'Z'") }}
{% endmacro %}

{% macro duckdb__timestamp_iso_text(column) %}
    {{ return("strftime(" ~ column ~ ", '%Y-%m-%dT%H:%M:%S.%fZ')") }}
{% endmacro %}

{% macro postgres__timestamp_iso_text(column) %}
    {{ return("to_char(" ~ column ~ ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')") }}
{% endmacro %}
