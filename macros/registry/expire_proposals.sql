{#- Mark open proposals expired: past their deadline with no blocked answer, their change may
    ship (the gate decided it; the publish that follows marks them published). ids: proposal
    ids. Audits proposal_expired with the deadline and who had not answered. One transaction.
    Returns the ids that were open. -#}
{% macro expire_proposals(ids) %}
    {%- if not execute or ids | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set q = tessera.quote_literal -%}
    {%- set p_rel = tessera.registry_relation('tessera_proposals') -%}
    {%- set literals = [] -%}
    {%- for i in ids -%}{%- do literals.append(q(i)) -%}{%- endfor -%}
    {%- set where = ' where status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.open) ~ ' and proposal_id in (' ~ literals | join(', ') ~ ')' -%}
    {%- set open = tessera.run_select('select proposal_id, status, deadline, asset_id from ' ~ p_rel ~ where) -%}
    {%- if open | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set items = [] -%}
    {%- for p in open -%}
        {%- do items.append({'proposal_id': p.proposal_id, 'previous_status': p.status, 'seq': loop.index,
            'details': {'asset_id': p.asset_id, 'deadline': p.deadline}}) -%}
    {%- endfor -%}
    {%- set statements = tessera._set_proposal_status(items, 'expired', actor, now, resolve=true, note='past its deadline with no blocked answer') -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(open | map(attribute='proposal_id') | list) }}
{% endmacro %}
