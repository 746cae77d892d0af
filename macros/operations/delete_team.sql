{#- dbt run-operation tessera.delete_team --args '{name: core-data, description: "why"}'
    Soft delete: the row keeps its history (deleted_at); restore_team undoes it. -#}
{% macro delete_team(name=none, description=none) %}
    {%- set op = 'delete_team' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['name', 'description']) -%}
    {%- set name = tessera.arg_string(op, 'name', name) -%}
    {%- set description = tessera.arg_string(op, 'description', description, required=false, allow_blank=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- do tessera.find_team(op, 'name', name) -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'team_admin', name, 'team', name) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = [
        'update ' ~ tessera.registry_relation('tessera_teams') ~ ' set deleted_at = ' ~ tessera.quote_literal(now)
        ~ ', deleted_by = ' ~ tessera.quote_literal(actor) ~ ', updated_at = ' ~ tessera.quote_literal(now)
        ~ ' where name = ' ~ tessera.quote_literal(name)] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [
        tessera.audit_row('team_deleted', 'team', name, {'note': description}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: deleted team ' ~ tojson(name) ~ ' (tessera.restore_team brings it back)', info=true) -%}
{% endmacro %}
