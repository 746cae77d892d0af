{#- The current UTC time as a naive datetime (registry timestamps are UTC). -#}
{% macro utc_now() %}
    {{ return(modules.datetime.datetime.now(modules.pytz.utc).replace(tzinfo=none)) }}
{% endmacro %}
