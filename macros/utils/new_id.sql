{#- A unique id for a registry row: the md5 of this invocation, the time and the given parts
    (optionally shortened and prefixed, e.g. proposal ids "orders-7f3a2c"). -#}
{% macro new_id(parts, prefix=none, length=32) %}
    {%- set seed = [invocation_id, tessera.utc_now().isoformat()] + (parts | map('string') | list) -%}
    {%- set digest = local_md5(seed | join('|'))[:length] -%}
    {%- if prefix -%}
        {{ return(prefix ~ '-' ~ digest) }}
    {%- endif -%}
    {{ return(digest) }}
{% endmacro %}
