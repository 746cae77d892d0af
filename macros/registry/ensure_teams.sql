{#- Create the teams of `names` that do not exist yet (model owners, groups, exposure owners),
    with one audit row each (reason in details). Deleted teams are left deleted. One call, one
    transaction. Returns the names created. -#}
{% macro ensure_teams(names, actor=none, reason=none, source='auto') %}
    {%- set wanted = [] -%}
    {%- for name in names if name is string and name | length > 0 and name not in wanted -%}{%- do wanted.append(name) -%}{%- endfor -%}
    {%- if wanted | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set literals = [] -%}
    {%- for name in wanted -%}{%- do literals.append(tessera.quote_literal(name)) -%}{%- endfor -%}
    {%- set existing = tessera.run_select('select name from ' ~ tessera.registry_relation('tessera_teams') ~ ' where name in (' ~ literals | join(', ') ~ ')') | map(attribute='name') | list -%}
    {%- set missing = wanted | reject('in', existing) | list -%}
    {%- if missing | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set actor = actor if actor is not none else tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set teams = [] -%}
    {%- set audit = [] -%}
    {%- for name in missing -%}
        {%- do teams.append({'name': name, 'description': none, 'created_at': now, 'created_by': actor, 'source': source, 'updated_at': now}) -%}
        {%- do audit.append(tessera.audit_row('team_created', 'team', name, {'reason': reason, 'source': source}, actor, now, loop.index)) -%}
    {%- endfor -%}
    {%- set statements = tessera.upsert_rows('tessera_teams', teams, ['name']) -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(missing) }}
{% endmacro %}
