{#- Refuse arguments an operation does not take (e.g. a misspelt "tema"). -#}
{% macro reject_unknown_args(op, extra, allowed) %}
    {%- for name in extra.keys() | list | sort -%}
        {%- do tessera.refuse(op, name, none, 'is not an argument of ' ~ op, (allowed | join(', ')) if allowed | length > 0 else 'no arguments') -%}
    {%- endfor -%}
{% endmacro %}
