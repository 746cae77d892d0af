{#- Every Tessera variable, resolved (var() when set, else its default): one dict. The
    plugin reads its settings through this, so Python and Jinja agree. -#}
{% macro get_config() %}
    {%- set out = {} -%}
    {%- for name in tessera.get_default_config().keys() | sort -%}
        {%- do out.update({name: tessera.get_config_var(name)}) -%}
    {%- endfor -%}
    {%- do out.update({'registry': tessera.registry_relation() | string, 'actor': tessera.current_actor(), 'target_name': target.name}) -%}
    {{ return(out) }}
{% endmacro %}
