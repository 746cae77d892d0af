{#- dbt run-operation tessera.set_deadline --args '{proposal_id: orders-7f3a2c, deadline: 2027-01-31,
    reason: "quarter close"}'
    The owner gives an open proposal a deadline (an ISO date; deadline: none removes it). Past
    the deadline, unless an affected team answered blocked, the proposal expires and the change
    ships; `tessera notify` reminds the teams still owing an answer before it. proposal_id may
    also be a model with exactly one open proposal, or pass model instead. -#}
{% macro set_deadline(proposal_id=none, deadline=none, reason=none, model=none) %}
    {%- set op = 'set_deadline' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['proposal_id', 'deadline', 'reason', 'model']) -%}
    {%- set proposal_id = tessera.arg_string(op, 'proposal_id', proposal_id, required=(model is none)) -%}
    {%- set model = tessera.arg_string(op, 'model', model, required=false) -%}
    {%- set deadline = tessera.arg_date(op, 'deadline', deadline, required=true, clear_word='none') -%}
    {%- set reason = tessera.arg_string(op, 'reason', reason, required=false, allow_blank=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set proposal = tessera.find_proposal(op, proposal_id, model) -%}
    {%- set pid = proposal.proposal_id -%}
    {%- if proposal.status not in tessera.vocabulary().statuses.open -%}
        {%- do tessera.refuse(op, 'proposal_id', pid, 'is already ' ~ proposal.status, 'a pending, approved or rejected proposal') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'owner', proposal.owner_team, 'proposal', pid) -%}
    {%- set p_rel = tessera.registry_relation('tessera_proposals') -%}
    {%- set previous = tessera.run_select('select deadline from ' ~ p_rel ~ ' where proposal_id = ' ~ tessera.quote_literal(pid)) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = ['update ' ~ p_rel ~ ' set deadline = ' ~ tessera.quote_literal(deadline) ~ ', updated_at = ' ~ tessera.quote_literal(now)
        ~ ' where proposal_id = ' ~ tessera.quote_literal(pid)] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [tessera.audit_row('proposal_deadline_set', 'proposal', pid,
        {'deadline': deadline, 'previous': previous[0].deadline if previous else none, 'reason': reason}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- if deadline is none -%}
        {%- do log('tessera: proposal ' ~ pid ~ ' has no deadline any more', info=true) -%}
    {%- else -%}
        {%- do log('tessera: proposal ' ~ pid ~ ' has the deadline ' ~ deadline ~ ': after it, unless a team answers blocked, the change ships', info=true) -%}
    {%- endif -%}
{% endmacro %}
