{#- Why a registration (columns, pinned_major) is affected by a proposal (changes_json,
    base_version): a reason string, or none when it is not affected. A registration is
    affected when it lists no columns, or a column it uses is changed, or a change touches no
    single column (the whole model); and when it pins no major, or pins the base's major. -#}
{% macro registration_affected_by(changes_json, base_version, columns, pinned_major, source='manual') %}
    {%- if pinned_major is not none and base_version is not none -%}
        {%- set base_major = (base_version | string).split('.')[0] -%}
        {%- if base_major != (pinned_major | int | string) -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endif -%}
    {%- set changes = fromjson(changes_json) if changes_json else [] -%}
    {%- set changes = changes if changes is iterable and changes is not mapping and changes is not string else [] -%}
    {%- set touched = [] -%}
    {%- set whole = [] -%}
    {%- for change in changes if change is mapping and change.get('breaking', true) is not sameas false -%}
        {%- if change.get('column') -%}
            {%- if change.column not in touched -%}{%- do touched.append(change.column) -%}{%- endif -%}
        {%- else -%}
            {%- do whole.append(1) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not columns -%}
        {{ return(source ~ ' registration (all columns)') }}
    {%- endif -%}
    {%- if whole | length > 0 or changes | length == 0 -%}
        {{ return(source ~ ' registration; the change affects the whole model') }}
    {%- endif -%}
    {%- set used = [] -%}
    {%- for column in columns if column in touched -%}{%- do used.append(column) -%}{%- endfor -%}
    {%- if used | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(source ~ ' registration; uses changed columns ' ~ used | join(', ')) }}
{% endmacro %}
