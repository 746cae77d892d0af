{#- dbt run-operation tessera.create_team --args '{name: core-data, description: "..."}' -#}
{% macro create_team(name=none, description=none) %}
    {%- set op = 'create_team' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['name', 'description']) -%}
    {%- set name = tessera.arg_string(op, 'name', name) -%}
    {%- set description = tessera.arg_string(op, 'description', description, required=false, allow_blank=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set team = tessera.find_team(op, 'name', name, must_exist=false, allow_deleted=true) -%}
    {%- if team is not none and team.deleted_at is none -%}
        {%- do tessera.refuse(op, 'name', name, 'already exists', 'a new team name') -%}
    {%- elif team is not none -%}
        {%- do tessera.refuse(op, 'name', name, 'is a deleted team', 'a new team name (or tessera.restore_team)') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = tessera.insert_rows('tessera_teams', [{
        'name': name, 'description': description, 'created_at': now, 'created_by': actor,
        'source': 'manual', 'updated_at': now}]) -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [
        tessera.audit_row('team_created', 'team', name, {'description': description}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: created team ' ~ tojson(name), info=true) -%}
{% endmacro %}
