{#- Refuse an operation: raise ONE line naming the operation, the argument, the value, what is
    wrong and what is allowed (run-operation exits 1). Nothing has been written. -#}
{% macro refuse(op, argument, value, problem, allowed=none) %}
    {%- set shown = tessera.show_value(value) -%}
    {%- set subject = argument if shown is none else argument ~ ' = ' ~ shown -%}
    {%- set line = 'tessera.' ~ op ~ ': ' ~ subject ~ ' ' ~ problem -%}
    {%- if allowed -%}
        {%- set line = line ~ '; allowed: ' ~ allowed -%}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(line | replace('\n', ' ') | replace('\r', ' ')) }}
{% endmacro %}
