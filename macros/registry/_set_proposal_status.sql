{#- The one writer of tessera_proposals.status after a proposal opens. Returns the
    statements (for tessera.run_writes or a caller's own transaction) that move each of
    `items` to `status`, with its audit row:
      items: [{'proposal_id', 'previous_status', 'action' (default 'proposal_' ~ status;
              none: the caller audits the change in a row of its own), 'details' (dict,
              previous_status is added), 'seq'}]
      resolve: also set resolved_at and resolved_by (actor), and resolution_note when a
               note is given.
    Refuses (compiler error, nothing written) a change that is not in
    tessera.vocabulary().transitions; items already in `status` are skipped. -#}
{% macro _set_proposal_status(items, status, actor, now, resolve=false, note=none) %}
    {%- set allowed = tessera.vocabulary().transitions -%}
    {%- set q = tessera.quote_literal -%}
    {%- set ids = [] -%}
    {%- set audit = [] -%}
    {%- for item in items if item.previous_status != status -%}
        {%- if [item.previous_status, status] not in allowed -%}
            {{ exceptions.raise_compiler_error("tessera: proposal " ~ tojson(item.proposal_id) ~ " cannot go from " ~ tojson(item.previous_status) ~ " to " ~ tojson(status) ~ "; allowed from " ~ tojson(item.previous_status) ~ ": " ~ (allowed | selectattr(0, 'equalto', item.previous_status) | map(attribute=1) | join(', ') or 'nothing')) }}
        {%- endif -%}
        {%- if q(item.proposal_id) not in ids -%}{%- do ids.append(q(item.proposal_id)) -%}{%- endif -%}
        {%- set action = item.get('action', 'proposal_' ~ status) -%}
        {%- if action is not none -%}
            {%- set details = dict(item.get('details') or {}) -%}
            {%- do details.setdefault('previous_status', item.previous_status) -%}
            {%- do audit.append(tessera.audit_row(action, 'proposal', item.proposal_id, details, actor, now, item.get('seq', loop.index))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ids | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set resolution = (', resolved_at = ' ~ q(now) ~ ', resolved_by = ' ~ q(actor) ~ ((', resolution_note = ' ~ q(note)) if note is not none else '')) if resolve else '' -%}
    {%- set statements = ['update ' ~ tessera.registry_relation('tessera_proposals') ~ ' set status = ' ~ q(status)
        ~ ', updated_at = ' ~ q(now) ~ resolution ~ ' where proposal_id in (' ~ ids | join(', ') ~ ')'] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {{ return(statements) }}
{% endmacro %}
