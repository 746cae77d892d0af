{#- dbt run-operation tessera.notify_pending --args '{actions: [proposal_opened, ...]}'
    (run by `tessera notify`; it prints one JSON document and writes nothing but a missing
    registry table.)

    Reads the endpoints of the tessera_webhooks variable and, in ONE query, the audit-log
    events each endpoint still has to receive: events whose action the endpoint subscribes to
    ("*" means every action in `actions`, the notifying set; other names are taken as they are), not older than max_age_days, with no successful
    delivery to that endpoint, fewer than max_attempts attempts, and whose last failed
    attempt's next_attempt_at has passed (unless retry_now). At most max_events per endpoint,
    oldest first. Each event comes with its proposal (status, versions, changes), its model
    (tessera_assets) and the proposal's affected teams with their latest answers, joined in
    the same query.

    Prints {"now", "endpoints": [{index, endpoint_id, url, format, secret_env, events,
    pending: [event]}], "invalid": [{index, problem}]}. endpoint_id is the md5 of the URL.
    Secrets are never read here: secret_env is only the NAME of an environment variable. -#}
{% macro notify_pending(actions=none, max_events=100, max_age_days=7, max_attempts=10, retry_now=false) %}
    {%- set op = 'notify_pending' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['actions', 'max_events', 'max_age_days', 'max_attempts', 'retry_now']) -%}
    {%- set actions = tessera.arg_string_list(op, 'actions', actions, required=true) -%}
    {%- set max_events = tessera.arg_integer(op, 'max_events', max_events, required=true, minimum=1) -%}
    {%- set max_age_days = tessera.arg_integer(op, 'max_age_days', max_age_days, required=true, minimum=1) -%}
    {%- set max_attempts = tessera.arg_integer(op, 'max_attempts', max_attempts, required=true, minimum=1) -%}
    {%- if retry_now is not sameas true and retry_now is not sameas false -%}
        {%- do tessera.refuse(op, 'retry_now', retry_now, 'is not a boolean', 'true or false') -%}
    {%- endif -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set config = tessera._notify_endpoints(tessera.get_config_var('tessera_webhooks'), actions) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set document = {'now': now.isoformat(), 'endpoints': config.endpoints, 'invalid': config.invalid} -%}
    {%- if config.endpoints | length > 0 -%}
        {%- do tessera.ensure_registry() -%}
        {%- set cutoff = now - modules.datetime.timedelta(days=max_age_days) -%}
        {%- set rows = tessera.run_select(tessera._notify_pending_sql(config.endpoints, now, cutoff, max_events, max_attempts, retry_now)) -%}
        {%- do tessera._notify_attach(config.endpoints, rows) -%}
    {%- endif -%}
    {%- do print(tojson(tessera.jsonable(document), sort_keys=true)) -%}
{% endmacro %}

{#- The endpoints of tessera_webhooks (validated; invalid entries are reported, not fatal). -#}
{% macro _notify_endpoints(webhooks, actions) %}
    {%- set endpoints = [] -%}
    {%- set invalid = [] -%}
    {%- set seen = [] -%}
    {%- if webhooks is mapping or webhooks is string or webhooks is not iterable -%}
        {%- do invalid.append({'index': none, 'problem': 'tessera_webhooks is not a list of {url, secret_env, events, format}'}) -%}
        {{ return({'endpoints': endpoints, 'invalid': invalid}) }}
    {%- endif -%}
    {%- for item in webhooks -%}
        {%- set index = loop.index0 -%}
        {%- set problems = [] -%}
        {%- if item is not mapping -%}
            {%- do invalid.append({'index': index, 'problem': 'is not a mapping with url, secret_env, events and format'}) -%}
        {%- else -%}
            {%- set unknown = item.keys() | reject('in', ['url', 'secret_env', 'events', 'format']) | list -%}
            {%- if unknown -%}{%- do problems.append('unknown keys ' ~ (unknown | sort | join(', ')) ~ ' (allowed: url, secret_env, events, format)') -%}{%- endif -%}
            {%- set url = item.get('url') -%}
            {%- if url is not string or url | trim | length == 0 or '\x00' in url -%}{%- do problems.append('url is missing or not a string') -%}{%- endif -%}
            {%- set secret_env = item.get('secret_env') -%}
            {%- if secret_env is not none and (secret_env is not string or not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', secret_env)) -%}
                {%- do problems.append('secret_env must be the name of an environment variable') -%}
            {%- endif -%}
            {%- set fmt = item.get('format') or 'generic' -%}
            {%- if fmt not in ['generic', 'slack'] -%}{%- do problems.append('format must be generic or slack') -%}{%- endif -%}
            {%- set events = item.get('events') -%}
            {%- if events is none or events == '*' -%}
                {%- set events = ['*'] -%}
            {%- elif events is string -%}
                {%- set events = events.split(',') | map('trim') | list -%}
            {%- endif -%}
            {%- if events is mapping or events is not iterable or events | reject('string') | list | length > 0 or events | length == 0 -%}
                {%- do problems.append('events must be "*" or a list of action names') -%}
                {%- set events = [] -%}
            {%- endif -%}
            {%- if problems -%}
                {%- do invalid.append({'index': index, 'problem': problems | join('; ')}) -%}
            {%- else -%}
                {%- set url = url | trim -%}
                {%- set endpoint_id = local_md5(url) -%}
                {%- if endpoint_id in seen -%}
                    {%- do invalid.append({'index': index, 'problem': 'repeats the url of an earlier endpoint (ignored)'}) -%}
                {%- else -%}
                    {%- do seen.append(endpoint_id) -%}
                    {%- set subscribed = [] -%}
                    {%- for name in ((actions if '*' in events else []) + (events | reject('equalto', '*') | list)) -%}
                        {%- if name | trim and name | trim not in subscribed -%}{%- do subscribed.append(name | trim) -%}{%- endif -%}
                    {%- endfor -%}
                    {%- do endpoints.append({'index': index, 'endpoint_id': endpoint_id, 'url': url, 'format': fmt,
                        'secret_env': secret_env, 'events': events, 'actions': subscribed, 'pending': []}) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'endpoints': endpoints, 'invalid': invalid}) }}
{% endmacro %}

{#- The one query: pending events per endpoint, with proposal, model and teams joined
    (one row per event x affected team; events without teams have one row). -#}
{% macro _notify_pending_sql(endpoints, now, cutoff, max_events, max_attempts, retry_now) %}
    {%- set targets = [] -%}
    {%- set ids = [] -%}
    {%- for e in endpoints -%}
        {%- do ids.append(tessera.quote_literal(e.endpoint_id)) -%}
        {%- for action in e.actions -%}
            {%- do targets.append('select ' ~ tessera.quote_literal(e.endpoint_id) ~ ' as endpoint_id, ' ~ tessera.quote_literal(action) ~ ' as action') -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if targets | length == 0 -%}
        {%- do targets.append('select ' ~ tessera.quote_literal('') ~ ' as endpoint_id, ' ~ tessera.quote_literal('') ~ ' as action') -%}
    {%- endif -%}
    {%- set sql -%}
with targets as (
    {{ targets | join('\n    union all ') }}
),
history as (
    select endpoint_id, event_id, count(*) as attempts, max(delivered_at) as delivered_at,
           max(next_attempt_at) as next_attempt_at
    from {{ tessera.registry_relation('tessera_deliveries') }}
    where endpoint_id in ({{ ids | join(', ') }})
      and attempted_at >= {{ tessera.quote_literal(cutoff) }}
    group by endpoint_id, event_id
),
candidates as (
    select t.endpoint_id, a.event_id, a.occurred_at, a.actor, a.action, a.entity_type,
           a.entity_id, a.details_json, a.invocation_id,
           coalesce(h.attempts, 0) + 1 as attempt,
           row_number() over (partition by t.endpoint_id order by a.occurred_at, a.event_id) as event_rank
    from {{ tessera.registry_relation('tessera_audit_log') }} a
    join targets t on t.action = a.action
    left join history h on h.endpoint_id = t.endpoint_id and h.event_id = a.event_id
    where a.occurred_at >= {{ tessera.quote_literal(cutoff) }}
      and h.delivered_at is null
      and coalesce(h.attempts, 0) < {{ tessera.quote_literal(max_attempts) }}
      {%- if not retry_now %}
      and (h.next_attempt_at is null or h.next_attempt_at <= {{ tessera.quote_literal(now) }})
      {%- endif %}
),
pending as (
    select * from candidates where event_rank <= {{ tessera.quote_literal(max_events) }}
),
answers as (
    select proposal_id, team, response, note,
           row_number() over (partition by proposal_id, team order by acknowledged_at desc, ack_id desc) as recency
    from {{ tessera.registry_relation('tessera_acknowledgements') }}
    where proposal_id in (select entity_id from pending where entity_type = 'proposal')
)
select p.endpoint_id, p.event_rank, p.event_id, p.occurred_at, p.actor, p.action, p.entity_type,
       p.entity_id, p.details_json, p.invocation_id, p.attempt,
       pr.proposal_id, pr.status as proposal_status, pr.base_version, pr.next_version,
       pr.changes_json, pr.created_at as proposal_created_at, pr.resolution_note,
       s.asset_id, s.model_name, s.model_version, s.owner_team, s.relation_name, s.project_name,
       pt.team, pt.reason as team_reason, an.response as team_response, an.note as team_note
from pending p
left join {{ tessera.registry_relation('tessera_proposals') }} pr
    on p.entity_type = 'proposal' and pr.proposal_id = p.entity_id
left join {{ tessera.registry_relation('tessera_assets') }} s
    on s.asset_id = coalesce(pr.asset_id, case when p.entity_type = 'asset' then p.entity_id end)
left join {{ tessera.registry_relation('tessera_proposal_teams') }} pt
    on pt.proposal_id = pr.proposal_id
left join answers an
    on an.proposal_id = pt.proposal_id and an.team = pt.team and an.recency = 1
order by p.endpoint_id, p.event_rank, pt.team
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}

{#- Group the query's rows into events (with their teams) under each endpoint's "pending". -#}
{% macro _notify_attach(endpoints, rows) %}
    {%- set by_id = {} -%}
    {%- for e in endpoints -%}{%- do by_id.update({e.endpoint_id: e}) -%}{%- endfor -%}
    {%- set current = {'key': none, 'event': none} -%}
    {%- for r in rows -%}
        {%- set key = r.endpoint_id ~ '|' ~ r.event_id -%}
        {%- if key != current.key -%}
            {%- set event = {
                'event_id': r.event_id, 'occurred_at': r.occurred_at, 'actor': r.actor, 'action': r.action,
                'entity_type': r.entity_type, 'entity_id': r.entity_id, 'details_json': r.details_json,
                'invocation_id': r.invocation_id, 'attempt': r.attempt,
                'proposal': none if r.proposal_id is none else {
                    'proposal_id': r.proposal_id, 'status': r.proposal_status, 'base_version': r.base_version,
                    'next_version': r.next_version, 'changes_json': r.changes_json,
                    'created_at': r.proposal_created_at, 'resolution_note': r.resolution_note},
                'asset': none if r.asset_id is none else {
                    'asset_id': r.asset_id, 'model_name': r.model_name, 'model_version': r.model_version,
                    'owner_team': r.owner_team, 'relation_name': r.relation_name, 'project_name': r.project_name},
                'teams': []} -%}
            {%- do by_id[r.endpoint_id].pending.append(event) -%}
            {%- do current.update({'key': key, 'event': event}) -%}
        {%- endif -%}
        {%- if r.team is not none -%}
            {%- do current.event.teams.append({'team': r.team, 'reason': r.team_reason, 'response': r.team_response, 'note': r.team_note}) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
