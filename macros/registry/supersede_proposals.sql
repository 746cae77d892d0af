{#- Mark open proposals superseded (the producer changed the proposed contract), with one
    audit row each. Proposals that are not open (pending, approved, rejected) are left alone.
    One transaction. Returns the ids that were superseded. -#}
{% macro supersede_proposals(ids, reason=none, superseded_by=none) %}
    {%- if ids | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set relation = tessera.registry_relation('tessera_proposals') -%}
    {%- set literals = [] -%}
    {%- for pid in ids -%}{%- do literals.append(tessera.quote_literal(pid)) -%}{%- endfor -%}
    {%- set open_clause = "status in " ~ tessera.sql_in(tessera.vocabulary().statuses.open) ~ " and proposal_id in (" ~ literals | join(', ') ~ ')' -%}
    {%- set found = tessera.run_select('select proposal_id, status from ' ~ relation ~ ' where ' ~ open_clause) -%}
    {%- if found | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set items = [] -%}
    {%- for row in found -%}
        {%- do items.append({'proposal_id': row.proposal_id, 'previous_status': row.status, 'seq': loop.index,
            'details': {'reason': reason, 'superseded_by': superseded_by}}) -%}
    {%- endfor -%}
    {%- set statements = tessera._set_proposal_status(items, 'superseded', actor, now, resolve=true, note=reason) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(found | map(attribute='proposal_id') | list) }}
{% endmacro %}
