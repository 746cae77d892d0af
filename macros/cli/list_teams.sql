{#- dbt run-operation tessera.list_teams [--args '{include_deleted: true, format: json}']
    Read-only: every team (deleted ones too with include_deleted) with its members, the
    number of assets it owns and the number it consumes. format: text (a table in the log)
    or json (one document on stdout: {"registry": ..., "teams": [...]}). -#}
{% macro list_teams(include_deleted=none, format=none) %}
    {%- set op = 'list_teams' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['include_deleted', 'format']) -%}
    {%- if include_deleted is not none and include_deleted is not sameas true and include_deleted is not sameas false -%}
        {%- do tessera.refuse(op, 'include_deleted', include_deleted, 'is not a boolean', 'true or false') -%}
    {%- endif -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set where = '' if include_deleted else ' where deleted_at is null' -%}
    {%- set teams = tessera.run_select('select name, description, source, created_at, created_by, deleted_at from ' ~ tessera.registry_relation('tessera_teams') ~ where ~ ' order by name') -%}
    {%- set members = tessera.run_select('select team, principal, role from ' ~ tessera.registry_relation('tessera_team_members') ~ ' where deleted_at is null order by team, principal') -%}
    {%- set owned = {} -%}
    {%- for row in tessera.run_select('select owner_team, count(*) as n from ' ~ tessera.registry_relation('tessera_assets') ~ ' where deleted_at is null group by owner_team') -%}
        {%- do owned.update({row.owner_team: row.n | int}) -%}
    {%- endfor -%}
    {%- set consumed = {} -%}
    {%- for row in tessera.run_select('select team, count(distinct asset_id) as n from ' ~ tessera.registry_relation('tessera_registrations') ~ ' where deleted_at is null group by team') -%}
        {%- do consumed.update({row.team: row.n | int}) -%}
    {%- endfor -%}
    {%- set result = [] -%}
    {%- for t in teams -%}
        {%- set item = tessera.jsonable(t) -%}
        {%- set team_members = [] -%}
        {%- for m in members if m.team == t.name -%}
            {%- do team_members.append({'principal': m.principal, 'role': m.role}) -%}
        {%- endfor -%}
        {%- do item.update({'members': team_members, 'owns': owned.get(t.name, 0), 'consumes': consumed.get(t.name, 0)}) -%}
        {%- do result.append(item) -%}
    {%- endfor -%}
    {%- if format == 'json' -%}
        {%- do print(tojson({'registry': tessera.registry_relation() | string, 'teams': result}, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for t in result -%}
        {%- do rows.append([t.name, t.description, t.owns, t.consumes, t.members | map(attribute='principal') | join(', '), 'deleted' if t.deleted_at else '']) -%}
    {%- endfor -%}
    {%- do log('tessera: ' ~ result | length ~ ' team(s)\n' ~ tessera.format_table(['team', 'description', 'owns', 'consumes', 'members', 'note'], rows), info=true) -%}
{% endmacro %}
