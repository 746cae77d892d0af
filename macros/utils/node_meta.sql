{#- A node's meta key: {'found': bool, 'value': ...}. dbt v2 keeps meta under config only
    (and offers config.meta_get in model context); dbt 1.x graph nodes carry it in
    config.meta and, for older projects, in meta. Reads config.meta first, then meta. -#}
{% macro node_meta(node, key) %}
    {%- set config = node.config if node.config is mapping else {} -%}
    {%- if config.meta_get is defined and config.meta_get is callable -%}
        {%- set value = config.meta_get(key) -%}
        {%- if value is not none -%}{{ return({'found': true, 'value': value}) }}{%- endif -%}
    {%- endif -%}
    {%- set config_meta = config.get('meta') if config.get('meta') is mapping else {} -%}
    {%- if key in config_meta -%}
        {{ return({'found': true, 'value': config_meta[key]}) }}
    {%- endif -%}
    {%- set meta = node.meta if node.meta is mapping else {} -%}
    {%- if key in meta -%}
        {{ return({'found': true, 'value': meta[key]}) }}
    {%- endif -%}
    {{ return({'found': false, 'value': none}) }}
{% endmacro %}
