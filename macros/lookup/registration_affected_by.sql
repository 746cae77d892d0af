{#- Why a registration (source, columns, pinned_major, team) is affected by a proposal
    (changes_json: its stored changes, base_version), or none when it is not: the owner never
    is; a registration pinned to another major than the base's is not; one without columns
    always is; one with columns is when a breaking change touches the whole model (no
    column) or one of its columns. The same rule as tessera_dbt.core.gate.affected_teams,
    which the gate uses; tests/parity/affected_by.yml runs both on one case table. -#}
{% macro registration_affected_by(changes_json, base_version, columns, pinned_major, source='manual', team=none, owner=none) %}
    {%- if owner is not none and team == owner -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if pinned_major is not none and base_version -%}
        {%- if (base_version | string).split('.')[0] | int != pinned_major | int -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endif -%}
    {%- if not columns -%}
        {{ return(source ~ ' registration on all columns') }}
    {%- endif -%}
    {%- set changes = fromjson(changes_json) if changes_json else [] -%}
    {%- set changes = changes if changes is iterable and changes is not mapping and changes is not string else [] -%}
    {%- set touched = [] -%}
    {%- for change in changes if change is mapping and change.get('breaking', true) is not sameas false -%}
        {%- if change.get('column') is none -%}
            {{ return(source ~ ' registration; the change affects the whole model') }}
        {%- endif -%}
        {%- do touched.append(change.column) -%}
    {%- endfor -%}
    {%- set hit = [] -%}
    {%- for column in columns if column in touched and column not in hit -%}{%- do hit.append(column) -%}{%- endfor -%}
    {%- if hit | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(source ~ ' registration uses column(s) ' ~ hit | sort(case_sensitive=true) | join(', ')) }}
{% endmacro %}
