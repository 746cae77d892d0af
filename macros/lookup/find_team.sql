{#- Look a team up by its exact name. Refuses an unknown team, and a deleted one unless
    allow_deleted. Returns the tessera_teams row (a dict), or none when not must_exist. -#}
{% macro find_team(op, argument, name, must_exist=true, allow_deleted=false) %}
    {%- set rows = tessera.run_select('select name, description, created_at, deleted_at from ' ~ tessera.registry_relation('tessera_teams') ~ ' where name = ' ~ tessera.quote_literal(name)) -%}
    {%- if rows | length == 0 -%}
        {%- if must_exist -%}
            {%- do tessera.refuse(op, argument, name, 'is not a team', 'an existing team (create it with tessera.create_team)') -%}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if rows[0].deleted_at is not none and not allow_deleted -%}
        {%- do tessera.refuse(op, argument, name, 'is a deleted team', 'an active team (restore it with tessera.restore_team)') -%}
    {%- endif -%}
    {{ return(rows[0]) }}
{% endmacro %}
