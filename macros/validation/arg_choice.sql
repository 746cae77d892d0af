{#- Validate an enumerated argument: one of choices (default when absent and not required). -#}
{% macro arg_choice(op, name, value, choices, required=true, default=none) %}
    {%- if value is undefined or value is none -%}
        {%- if required -%}
            {%- do tessera.refuse(op, name, none, 'is missing', choices | join(', ')) -%}
        {%- endif -%}
        {{ return(default) }}
    {%- endif -%}
    {%- if value is not string or value not in choices -%}
        {%- do tessera.refuse(op, name, value, 'is not allowed', choices | join(', ')) -%}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
