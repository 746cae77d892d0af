{#- dbt run-operation tessera.add_team_member --args '{team: core-data, principal: alice, role: admin}'
    Adds a principal (a warehouse user, as current_actor reports it) to a team, or changes
    the role of an existing member. role: member (default) or admin. -#}
{% macro add_team_member(team=none, principal=none, role=none) %}
    {%- set op = 'add_team_member' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['team', 'principal', 'role']) -%}
    {%- set team = tessera.arg_string(op, 'team', team) -%}
    {%- set principal = tessera.arg_string(op, 'principal', principal) -%}
    {%- set role = tessera.arg_choice(op, 'role', role, ['member', 'admin'], required=false, default='member') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- do tessera.find_team(op, 'team', team) -%}
    {%- set members = tessera.registry_relation('tessera_team_members') -%}
    {%- set rows = tessera.run_select('select role, deleted_at from ' ~ members ~ ' where team = ' ~ tessera.quote_literal(team) ~ ' and principal = ' ~ tessera.quote_literal(principal)) -%}
    {%- set current = rows[0] if rows | length > 0 else none -%}
    {%- if current is not none and current.deleted_at is none and current.role == role -%}
        {%- do tessera.refuse(op, 'principal', principal, 'is already a member of team ' ~ tojson(team) ~ ' with role ' ~ role, 'a principal who is not a member yet, or another role') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'team_admin', team, 'team', team) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set where = ' where team = ' ~ tessera.quote_literal(team) ~ ' and principal = ' ~ tessera.quote_literal(principal) -%}
    {%- if current is none -%}
        {%- set statements = tessera.insert_rows('tessera_team_members', [{
            'team': team, 'principal': principal, 'role': role, 'created_at': now,
            'created_by': actor, 'updated_at': now}]) -%}
        {%- set action = 'member_added' -%}
    {%- else -%}
        {%- set statements = ['update ' ~ members ~ ' set role = ' ~ tessera.quote_literal(role)
            ~ ', deleted_at = null, deleted_by = null, updated_at = ' ~ tessera.quote_literal(now) ~ where] -%}
        {%- set action = 'member_added' if current.deleted_at is not none else 'member_role_changed' -%}
    {%- endif -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [
        tessera.audit_row(action, 'team', team, {'principal': principal, 'role': role,
            'previous_role': current.role if current is not none and current.deleted_at is none else none}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: ' ~ tojson(principal) ~ ' is now ' ~ role ~ ' of team ' ~ tojson(team), info=true) -%}
{% endmacro %}
