{#- dbt run-operation tessera.delete_team --args '{name: core-data, description: "why"}'
    Soft delete: the row keeps its history (deleted_at); restore_team undoes it. Refused while
    the team still owes an answer to an open proposal or has active registrations (naming
    them): a deleted team could no longer answer, and the gate would keep waiting for it. -#}
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
    {%- set q = tessera.quote_literal -%}
    {%- set registered = tessera.run_select('select distinct asset_id from ' ~ tessera.registry_relation('tessera_registrations')
        ~ ' where deleted_at is null and team = ' ~ q(name) ~ ' order by asset_id') | map(attribute='asset_id') | list -%}
    {%- set open_sql -%}
select t.proposal_id, a.response
from {{ tessera.registry_relation('tessera_proposal_teams') }} as t
join {{ tessera.registry_relation('tessera_proposals') }} as p on p.proposal_id = t.proposal_id
left join {{ tessera.registry_relation('tessera_acknowledgements') }} as a on a.proposal_id = t.proposal_id and a.team = t.team
where t.team = {{ q(name) }} and p.status in {{ tessera.sql_in(tessera.vocabulary().statuses.open) }}
order by t.proposal_id, a.acknowledged_at, a.ack_id
    {%- endset -%}
    {%- set latest = {} -%}
    {%- for row in tessera.run_select(open_sql) -%}{%- do latest.update({row.proposal_id: row.response}) -%}{%- endfor -%}
    {%- set owes = [] -%}
    {%- for pid, response in latest | dictsort if response not in tessera.vocabulary().responses.agreeing -%}{%- do owes.append(pid) -%}{%- endfor -%}
    {%- if owes or registered -%}
        {%- set problems = [] -%}
        {%- if owes -%}{%- do problems.append('still owes an answer to proposal(s) ' ~ owes | join(', ')) -%}{%- endif -%}
        {%- if registered -%}{%- do problems.append('has active registrations on ' ~ registered | join(', ')) -%}{%- endif -%}
        {%- do tessera.refuse(op, 'name', name, problems | join(' and '), 'a team that owes no answer and consumes nothing (answer or let the owner withdraw, and unregister_consumer first)') -%}
    {%- endif -%}
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
