{#- dbt run-operation tessera.restore_team --args '{name: core-data}'
    Undo delete_team; a given description replaces the old one. -#}
{% macro restore_team(name=none, description=none) %}
    {%- set op = 'restore_team' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['name', 'description']) -%}
    {%- set name = tessera.arg_string(op, 'name', name) -%}
    {%- set description = tessera.arg_string(op, 'description', description, required=false, allow_blank=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set team = tessera.find_team(op, 'name', name, allow_deleted=true) -%}
    {%- if team.deleted_at is none -%}
        {%- do tessera.refuse(op, 'name', name, 'is not deleted', 'a deleted team') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'team_admin', name, 'team', name) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set sets = ['deleted_at = null', 'deleted_by = null', 'updated_at = ' ~ tessera.quote_literal(now)] -%}
    {%- if description is not none -%}
        {%- do sets.append('description = ' ~ tessera.quote_literal(description)) -%}
    {%- endif -%}
    {%- set statements = ['update ' ~ tessera.registry_relation('tessera_teams') ~ ' set ' ~ sets | join(', ') ~ ' where name = ' ~ tessera.quote_literal(name)] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [
        tessera.audit_row('team_restored', 'team', name, {'description': description}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: restored team ' ~ tojson(name), info=true) -%}
{% endmacro %}
