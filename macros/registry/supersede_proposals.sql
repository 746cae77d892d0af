{#- Mark open proposals superseded (the producer changed the proposed contract), with one
    audit row each. Proposals that are not open (pending, approved, rejected) are left alone.
    One transaction. Returns the ids that were superseded. -#}
{% macro supersede_proposals(ids, reason=none, superseded_by=none) %}
    {%- if ids | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set relation = tessera.registry_relation('tessera_proposals') -%}
    {%- set literals = [] -%}
    {%- for pid in ids -%}{%- do literals.append(tessera.quote_literal(pid)) -%}{%- endfor -%}
    {%- set open_clause = "status in ('pending', 'approved', 'rejected') and proposal_id in (" ~ literals | join(', ') ~ ')' -%}
    {%- set found = tessera.run_select('select proposal_id, status from ' ~ relation ~ ' where ' ~ open_clause) -%}
    {%- if found | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set audit = [] -%}
    {%- for row in found -%}
        {%- do audit.append(tessera.audit_row('proposal_superseded', 'proposal', row.proposal_id, {'reason': reason, 'previous_status': row.status, 'superseded_by': superseded_by}, actor, now, loop.index)) -%}
    {%- endfor -%}
    {%- set statements = ["update " ~ relation ~ " set status = 'superseded', updated_at = " ~ tessera.quote_literal(now) ~ ', resolved_at = ' ~ tessera.quote_literal(now)
        ~ ', resolved_by = ' ~ tessera.quote_literal(actor) ~ ', resolution_note = ' ~ tessera.quote_literal(reason) ~ ' where ' ~ open_clause] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(found | map(attribute='proposal_id') | list) }}
{% endmacro %}
