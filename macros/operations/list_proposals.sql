{#- dbt run-operation tessera.list_proposals --args '{status: open, team: growth, format: json}'
    status: open (default: pending, approved or rejected), all, or one status; team: only
    proposals that team is affected by; format: text (a table for people, in the log) or json
    (one document on stdout: {"proposals": [...]}) -#}
{% macro list_proposals(status=none, team=none, format=none) %}
    {%- set op = 'list_proposals' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['status', 'team', 'format']) -%}
    {%- set vocab = tessera.vocabulary() -%}
    {%- set statuses = vocab.statuses.all -%}
    {%- set status = tessera.arg_choice(op, 'status', status, ['open', 'all'] + statuses, required=false, default='open') -%}
    {%- set team = tessera.arg_string(op, 'team', team, required=false) -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- if team is not none -%}
        {%- do tessera.find_team(op, 'team', team, allow_deleted=true) -%}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- if status == 'open' -%}
        {%- do conditions.append('p.status in ' ~ tessera.sql_in(vocab.statuses.open)) -%}
    {%- elif status != 'all' -%}
        {%- do conditions.append('p.status = ' ~ tessera.quote_literal(status)) -%}
    {%- endif -%}
    {%- if team is not none -%}
        {%- do conditions.append('exists (select 1 from ' ~ tessera.registry_relation('tessera_proposal_teams') ~ ' as pt where pt.proposal_id = p.proposal_id and pt.team = ' ~ tessera.quote_literal(team) ~ ')') -%}
    {%- endif -%}
    {%- set proposals = tessera.proposal_details(conditions | join(' and ') if conditions else '1 = 1') -%}
    {%- if format == 'json' -%}
        {%- do print(tojson({'registry': tessera.registry_relation() | string, 'status': status, 'team': team, 'proposals': proposals}, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if proposals | length == 0 -%}
        {%- do log('tessera: no ' ~ ('' if status == 'all' else status ~ ' ') ~ 'proposals' ~ (' for team ' ~ tojson(team) if team is not none else ''), info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for p in proposals -%}
        {%- do rows.append([p.proposal_id, p.model_name or p.asset_id, p.status, p.base_version, p.next_version, (p.created_at or '')[:19], p.waiting_for | join(', '), p.blocked_by | join(', ')]) -%}
    {%- endfor -%}
    {%- do log('tessera: ' ~ proposals | length ~ ' proposal(s)\n' ~ tessera.format_table(['proposal', 'model', 'status', 'base', 'next', 'created (UTC)', 'waiting for', 'blocked by'], rows), info=true) -%}
{% endmacro %}
