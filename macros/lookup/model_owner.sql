{#- A model's owner team: meta.tessera.owner (spec: the model's meta.tessera), else the name
    of the model's dbt group when the project defines it (groups: the group names), else team
    (the var tessera_team), else default_owner (the var tessera_default_owner), else none. The same rule as
    tessera_dbt.core.extract.resolve_owner, which the gate uses; tests/parity/model_owner.yml
    runs both on one case table. -#}
{% macro model_owner(spec, group, groups, default_owner, team=none) %}
    {%- set owner = spec.get('owner') if spec is mapping else none -%}
    {%- if owner is string and owner | trim | length > 0 -%}
        {{ return(owner | trim) }}
    {%- endif -%}
    {%- if group and group in (groups or []) -%}
        {{ return(group) }}
    {%- endif -%}
    {%- if team -%}
        {{ return(team) }}
    {%- endif -%}
    {{ return(default_owner if default_owner else none) }}
{% endmacro %}
