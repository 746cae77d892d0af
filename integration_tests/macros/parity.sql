{#- Runs the parity case tables of tests/parity/ through the package's macros and prints, in
    one dbt invocation, one JSON line: {rule: [result per case]}, plus tessera.vocabulary(). -#}
{% macro parity(tables) %}
    {%- set out = {} -%}
    {%- for rule, cases in tables.items() -%}
        {%- set results = [] -%}
        {%- for c in cases -%}
            {%- if rule == 'affected_by' -%}
                {%- set r = c.registration -%}
                {%- do results.append(tessera.registration_affected_by(tojson(c.changes), c.base_version, r.get('columns'),
                    r.get('pinned_major'), r.source, r.team, c.get('owner'))) -%}
            {%- elif rule == 'model_owner' -%}
                {%- do results.append(tessera.model_owner(c.spec, c.group, c.groups.keys() | list, c.default_owner, c.get('team'))) -%}
            {%- elif rule == 'answers_status' -%}
                {%- do results.append(tessera.answers_status(c.teams, c.answers)) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error('parity: unknown rule ' ~ rule) }}
            {%- endif -%}
        {%- endfor -%}
        {%- do out.update({rule: results}) -%}
    {%- endfor -%}
    {%- do print('PARITY ' ~ tojson(out, sort_keys=true)) -%}
    {%- do print('VOCABULARY ' ~ tojson(tessera.vocabulary(), sort_keys=true)) -%}
{% endmacro %}

{#- Asks the one writer of tessera_proposals.status for a change (nothing is run). -#}
{% macro try_transition(previous, status) %}
    {%- set statements = tessera._set_proposal_status([{'proposal_id': 'p-1', 'previous_status': previous}],
        status, 'tester', tessera.utc_now()) -%}
    {%- do print('STATEMENTS ' ~ statements | length) -%}
{% endmacro %}
