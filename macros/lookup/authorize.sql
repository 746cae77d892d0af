{#- With tessera_enforce_membership, check that actor may act; otherwise do nothing.
    rule: 'member' (a member of team), 'team_admin' (a tessera_admins principal or an admin of
    team), 'owner' (a tessera_admins principal or a member of the owner team), 'force'
    (a tessera_admins principal or an admin of the owner team). A refusal records one
    audit row (action authorization_refused), commits it, then exits non-zero. -#}
{% macro authorize(op, actor, rule, team, entity_type, entity_id) %}
    {%- if not tessera.get_config_var('tessera_enforce_membership') -%}{{ return(true) }}{%- endif -%}
    {%- set admins = tessera.get_config_var('tessera_admins') -%}
    {%- set admins = [admins] if admins is string else (admins or []) -%}
    {%- if actor in admins -%}{{ return(true) }}{%- endif -%}
    {%- set role = none -%}
    {%- if team is not none -%}
        {%- set rows = tessera.run_select('select role from ' ~ tessera.registry_relation('tessera_team_members') ~ ' where deleted_at is null and team = ' ~ tessera.quote_literal(team) ~ ' and principal = ' ~ tessera.quote_literal(actor)) -%}
        {%- set role = rows[0].role if rows | length > 0 else none -%}
    {%- endif -%}
    {%- if rule in ('member', 'owner') and role is not none -%}{{ return(true) }}{%- endif -%}
    {%- if rule in ('team_admin', 'force') and role == 'admin' -%}{{ return(true) }}{%- endif -%}
    {%- set needs = {
        'member': 'a member of team ' ~ tojson(team),
        'owner': 'a member of the owner team ' ~ tojson(team) ~ ' or a principal in tessera_admins',
        'team_admin': 'an admin of team ' ~ tojson(team) ~ ' or a principal in tessera_admins',
        'force': 'an admin of the owner team ' ~ tojson(team) ~ ' or a principal in tessera_admins',
    }[rule] -%}
    {%- set details = {'operation': op, 'rule': rule, 'team': team, 'required': needs} -%}
    {%- do tessera.run_writes(tessera.insert_rows('tessera_audit_log', [tessera.audit_row('authorization_refused', entity_type, entity_id, details, actor)])) -%}
    {%- do tessera.refuse(op, 'actor', actor, 'is not allowed to ' ~ op | replace('_', ' ') ~ ' (' ~ entity_type ~ ' ' ~ tojson(entity_id) ~ ')', needs) -%}
{% endmacro %}
