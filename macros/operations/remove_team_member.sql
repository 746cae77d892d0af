{#- dbt run-operation tessera.remove_team_member --args '{team: core-data, principal: alice}'
    role, when given, must be the member's current role. -#}
{% macro remove_team_member(team=none, principal=none, role=none) %}
    {%- set op = 'remove_team_member' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['team', 'principal', 'role']) -%}
    {%- set team = tessera.arg_string(op, 'team', team) -%}
    {%- set principal = tessera.arg_string(op, 'principal', principal) -%}
    {%- set role = tessera.arg_choice(op, 'role', role, ['member', 'admin'], required=false) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- do tessera.find_team(op, 'team', team, allow_deleted=true) -%}
    {%- set members = tessera.registry_relation('tessera_team_members') -%}
    {%- set where = ' where team = ' ~ tessera.quote_literal(team) ~ ' and principal = ' ~ tessera.quote_literal(principal) -%}
    {%- set rows = tessera.run_select('select role from ' ~ members ~ where ~ ' and deleted_at is null') -%}
    {%- if rows | length == 0 -%}
        {%- do tessera.refuse(op, 'principal', principal, 'is not a member of team ' ~ tojson(team), 'a current member') -%}
    {%- endif -%}
    {%- if role is not none and rows[0].role != role -%}
        {%- do tessera.refuse(op, 'role', role, 'is not the role of ' ~ tojson(principal) ~ ' in team ' ~ tojson(team), rows[0].role ~ ' (or leave role out)') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'team_admin', team, 'team', team) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = ['update ' ~ members ~ ' set deleted_at = ' ~ tessera.quote_literal(now)
        ~ ', deleted_by = ' ~ tessera.quote_literal(actor) ~ ', updated_at = ' ~ tessera.quote_literal(now) ~ where] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [
        tessera.audit_row('member_removed', 'team', team, {'principal': principal, 'role': rows[0].role}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: removed ' ~ tojson(principal) ~ ' from team ' ~ tojson(team), info=true) -%}
{% endmacro %}
