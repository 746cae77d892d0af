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
    {%- set where = " where status in ('pending', 'approved', 'rejected') and proposal_id in (" ~ literals | join(', ') ~ ')' -%}
    {%- set open = tessera.run_select('select proposal_id, status, deadline, asset_id from ' ~ p_rel ~ where) -%}
    {%- if open | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set audit = [] -%}
    {%- for p in open -%}
        {%- do audit.append(tessera.audit_row('proposal_expired', 'proposal', p.proposal_id, {
            'asset_id': p.asset_id, 'deadline': p.deadline, 'previous_status': p.status}, actor, now, loop.index)) -%}
    {%- endfor -%}
    {%- set statements = ["update " ~ p_rel ~ " set status = 'expired', updated_at = " ~ q(now) ~ ', resolved_at = ' ~ q(now)
        ~ ', resolved_by = ' ~ q(actor) ~ ", resolution_note = 'past its deadline with no blocked answer'" ~ where] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(open | map(attribute='proposal_id') | list) }}
{% endmacro %}
