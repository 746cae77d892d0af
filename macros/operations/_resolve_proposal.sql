{#- Shared body of withdraw and force: validate, look up, authorize, resolve the proposal. -#}
{% macro _resolve_proposal(op, proposal_id, reason, model, extra) %}
    {%- do tessera.reject_unknown_args(op, extra, ['proposal_id', 'reason', 'model']) -%}
    {%- set proposal_id = tessera.arg_string(op, 'proposal_id', proposal_id, required=(model is none)) -%}
    {%- set model = tessera.arg_string(op, 'model', model, required=false) -%}
    {%- set reason = tessera.arg_string(op, 'reason', reason, required=(op == 'force')) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set proposal = tessera.find_proposal(op, proposal_id, model) -%}
    {%- set pid = proposal.proposal_id -%}
    {%- if proposal.status not in ('pending', 'approved', 'rejected') -%}
        {%- do tessera.refuse(op, 'proposal_id', pid, 'is already ' ~ proposal.status, 'a pending, approved or rejected proposal') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set status = 'withdrawn' if op == 'withdraw' else 'forced' -%}
    {%- do tessera.authorize(op, actor, 'owner' if op == 'withdraw' else 'force', proposal.owner_team, 'proposal', pid) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = ['update ' ~ tessera.registry_relation('tessera_proposals') ~ ' set status = ' ~ tessera.quote_literal(status)
        ~ ', updated_at = ' ~ tessera.quote_literal(now) ~ ', resolved_at = ' ~ tessera.quote_literal(now)
        ~ ', resolved_by = ' ~ tessera.quote_literal(actor) ~ ', resolution_note = ' ~ tessera.quote_literal(reason)
        ~ ' where proposal_id = ' ~ tessera.quote_literal(pid)] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [tessera.audit_row('proposal_' ~ status, 'proposal', pid,
        {'reason': reason, 'previous_status': proposal.status, 'asset_id': proposal.asset_id}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: proposal ' ~ pid ~ ' is ' ~ status ~ (' (' ~ proposal.asset_id ~ ' may now ship)' if status == 'forced' else ''), info=true) -%}
{% endmacro %}
