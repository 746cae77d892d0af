{#- Proposals matching a condition on tessera_proposals (alias p), with their affected teams
    and each team's latest answer: a list of dicts (jsonable), oldest first. -#}
{% macro proposal_details(where_sql='1 = 1') %}
    {%- set p_rel = tessera.registry_relation('tessera_proposals') -%}
    {%- set a_rel = tessera.registry_relation('tessera_assets') -%}
    {%- set proposals = tessera.run_select('select p.proposal_id, p.asset_id, a.model_name, a.owner_team, p.status, p.base_version, p.next_version, p.fingerprint, p.changes_json, p.created_at, p.created_by, p.updated_at, p.resolved_at, p.resolved_by, p.resolution_note, p.deadline from ' ~ p_rel ~ ' as p left join ' ~ a_rel ~ ' as a on a.asset_id = p.asset_id where ' ~ where_sql ~ ' order by p.created_at, p.proposal_id') -%}
    {%- if proposals | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set ids = [] -%}
    {%- for p in proposals -%}{%- do ids.append(tessera.quote_literal(p.proposal_id)) -%}{%- endfor -%}
    {%- set in_list = ' in (' ~ ids | join(', ') ~ ')' -%}
    {%- set teams = tessera.run_select('select proposal_id, team, reason from ' ~ tessera.registry_relation('tessera_proposal_teams') ~ ' where proposal_id' ~ in_list ~ ' order by team') -%}
    {%- set answers = tessera.run_select('select proposal_id, team, response, note, acknowledged_by, acknowledged_at, migrating_until from ' ~ tessera.registry_relation('tessera_acknowledgements') ~ ' where proposal_id' ~ in_list ~ ' order by acknowledged_at, ack_id') -%}
    {%- set latest = {} -%}
    {%- for a in answers -%}{%- do latest.update({tojson([a.proposal_id, a.team]): a}) -%}{%- endfor -%}
    {%- set out = [] -%}
    {%- for p in proposals -%}
        {%- set item = tessera.jsonable(p) -%}
        {%- set changes = fromjson(p.changes_json) if p.changes_json else [] -%}
        {%- do item.pop('changes_json') -%}
        {%- do item.update({'changes': changes, 'teams': []}) -%}
        {%- set responses = {} -%}
        {%- for t in teams if t.proposal_id == p.proposal_id -%}
            {%- set a = latest.get(tojson([p.proposal_id, t.team])) -%}
            {%- do item.teams.append(tessera.jsonable({'team': t.team, 'reason': t.reason,
                'response': a.response if a else none, 'note': a.note if a else none,
                'acknowledged_by': a.acknowledged_by if a else none, 'acknowledged_at': a.acknowledged_at if a else none,
                'migrating_until': a.migrating_until if a else none})) -%}
            {%- if a -%}{%- do responses.update({t.team: a.response}) -%}{%- endif -%}
        {%- endfor -%}
        {#- A closed proposal waits for nobody (resolved_by and resolution_note say how it closed). -#}
        {%- set tally = tessera.answers_status(item.teams | map(attribute='team') | list, responses) if p.status in tessera.vocabulary().statuses.open else {'waiting': [], 'blocked': []} -%}
        {%- do item.update({'waiting_for': tally.waiting, 'blocked_by': tally.blocked}) -%}
        {%- do out.append(item) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}
