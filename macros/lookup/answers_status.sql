{#- What the latest answers make of an open proposal: teams (the affected teams), answers
    (team -> its latest response, absent when it has not answered). Returns {'status':
    rejected when a team's latest answer blocks, pending while a team has not agreed, else
    approved; 'blocked': [teams]; 'waiting': [teams that have not agreed nor blocked]}.
    The same rule as tessera_dbt.core.gate.tally_answers; tests/parity/answers_status.yml
    runs both on one case table. -#}
{% macro answers_status(teams, answers) %}
    {%- set vocab = tessera.vocabulary() -%}
    {%- set blocked = [] -%}
    {%- set waiting = [] -%}
    {%- for t in teams -%}
        {%- set response = answers.get(t) -%}
        {%- if response == vocab.responses.blocking -%}{%- do blocked.append(t) -%}
        {%- elif response not in vocab.responses.agreeing -%}{%- do waiting.append(t) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set status = 'rejected' if blocked else ('pending' if waiting else 'approved') -%}
    {{ return({'status': status, 'blocked': blocked, 'waiting': waiting}) }}
{% endmacro %}
