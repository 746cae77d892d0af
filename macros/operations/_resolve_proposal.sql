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
    {%- set vocab = tessera.vocabulary() -%}
    {%- if proposal.status not in vocab.statuses.open -%}
        {%- do tessera.refuse(op, 'proposal_id', pid, 'is already ' ~ proposal.status, 'a ' ~ vocab.statuses.open[:-1] | join(', ') ~ ' or ' ~ vocab.statuses.open[-1] ~ ' proposal') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set status = 'withdrawn' if op == 'withdraw' else 'forced' -%}
    {%- do tessera.authorize(op, actor, 'owner' if op == 'withdraw' else 'force', proposal.owner_team, 'proposal', pid) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = tessera._set_proposal_status([{'proposal_id': pid, 'previous_status': proposal.status, 'seq': 0,
        'details': {'reason': reason, 'asset_id': proposal.asset_id}}], status, actor, now, resolve=true, note=reason) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: proposal ' ~ pid ~ ' is ' ~ status ~ (' (' ~ proposal.asset_id ~ ' may now ship)' if status == 'forced' else ''), info=true) -%}
{% endmacro %}
