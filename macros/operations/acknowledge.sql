{#- dbt run-operation tessera.acknowledge --args '{proposal_id: orders-7f3a2c, team: growth,
    response: approved, note: "we migrated"}'
    A team affected by a proposal answers it: approved, migrating (optionally until a date) or
    blocked. A team may answer
    again; its latest answer counts. When every affected team's latest answer is approved or
    migrating the proposal becomes approved; a blocked answer makes it rejected (it still
    accepts answers). proposal_id may also be a model with exactly one open proposal, or
    pass model instead. -#}
{% macro acknowledge(proposal_id=none, team=none, response=none, note=none, model=none, until=none) %}
    {%- set op = 'acknowledge' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['proposal_id', 'team', 'response', 'note', 'model', 'until']) -%}
    {%- set proposal_id = tessera.arg_string(op, 'proposal_id', proposal_id, required=(model is none)) -%}
    {%- set model = tessera.arg_string(op, 'model', model, required=false) -%}
    {%- set team = tessera.arg_string(op, 'team', team) -%}
    {%- set vocab = tessera.vocabulary() -%}
    {%- set response = tessera.arg_choice(op, 'response', response, vocab.responses.all) -%}
    {%- set note = tessera.arg_string(op, 'note', note, required=false, allow_blank=true) -%}
    {%- set until = tessera.arg_date(op, 'until', until) -%}
    {%- if until is not none and response != 'migrating' -%}
        {%- do tessera.refuse(op, 'until', until, 'goes with response migrating only', 'a date with response: migrating') -%}
    {%- endif -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set proposal = tessera.find_proposal(op, proposal_id, model) -%}
    {%- do tessera.find_team(op, 'team', team) -%}
    {%- set pid = proposal.proposal_id -%}
    {%- if proposal.status not in vocab.statuses.open -%}
        {%- do tessera.refuse(op, 'proposal_id', pid, 'is ' ~ proposal.status ~ ' and takes no more answers', 'a ' ~ vocab.statuses.open[:-1] | join(', ') ~ ' or ' ~ vocab.statuses.open[-1] ~ ' proposal') -%}
    {%- endif -%}
    {%- set affected = tessera.run_select('select team from ' ~ tessera.registry_relation('tessera_proposal_teams') ~ ' where proposal_id = ' ~ tessera.quote_literal(pid) ~ ' order by team') | map(attribute='team') | list -%}
    {%- if team not in affected -%}
        {%- do tessera.refuse(op, 'team', team, 'is not affected by proposal ' ~ tojson(pid), ('one of ' ~ tessera.show_value(affected)) if affected else 'no team (nobody has to answer)') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'member', team, 'proposal', pid) -%}
    {%- set now = tessera.utc_now() -%}
    {#- The latest answer of every affected team, this one included. -#}
    {%- set latest = {} -%}
    {%- for row in tessera.run_select('select team, response from ' ~ tessera.registry_relation('tessera_acknowledgements') ~ ' where proposal_id = ' ~ tessera.quote_literal(pid) ~ ' order by acknowledged_at, ack_id') -%}
        {%- do latest.update({row.team: row.response}) -%}
    {%- endfor -%}
    {%- do latest.update({team: response}) -%}
    {%- set tally = tessera.answers_status(affected, latest) -%}
    {%- set blocked = tally.blocked -%}
    {%- set waiting = tally.waiting -%}
    {%- set status = tally.status -%}
    {%- set statements = tessera.insert_rows('tessera_acknowledgements', [{
        'ack_id': tessera.new_id([pid, team, response]), 'proposal_id': pid, 'team': team,
        'response': response, 'note': note, 'acknowledged_by': actor, 'acknowledged_at': now,
        'invocation_id': invocation_id, 'migrating_until': until}]) -%}
    {%- set audit = [tessera.audit_row('proposal_acknowledged', 'proposal', pid, {'team': team, 'response': response, 'note': note, 'until': until}, actor, now, 1)] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do statements.extend(tessera._set_proposal_status([{'proposal_id': pid, 'previous_status': proposal.status, 'seq': 2,
        'details': {'blocked_by': blocked, 'waiting_for': waiting}}], status, actor, now)) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- set tail = ('blocked by ' ~ blocked | join(', ')) if blocked else (('waiting for ' ~ waiting | join(', ')) if waiting else 'every affected team agreed') -%}
    {%- do log('tessera: ' ~ tojson(team) ~ ' answered ' ~ response ~ ' to ' ~ pid ~ '; proposal is ' ~ status ~ ' (' ~ tail ~ ')', info=true) -%}
{% endmacro %}

