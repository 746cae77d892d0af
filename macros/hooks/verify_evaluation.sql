{#- on-run-start's check that an evaluation covers what is about to run: every selected
    model that is fingerprinted (enforced contract or meta.tessera) must have been
    evaluated with the fingerprint it has now (`summary` is the evaluation's summary row,
    details_json holding {'fingerprints': {unique_id: md5}}). Returns the list of
    "model: reason" lines that do not match (empty when the evaluation holds). -#}
{% macro verify_evaluation(summary, selected) %}
    {%- set details = summary.details_json -%}
    {%- if details is string -%}{%- set details = fromjson(details) -%}{%- endif -%}
    {%- set evaluated = details.get('fingerprints') if details is mapping else none -%}
    {%- set current = tessera.contract_fingerprints(selected) -%}
    {%- set problems = [] -%}
    {%- for uid in current.keys() | sort -%}
        {%- set name = graph.nodes[uid].name -%}
        {%- if evaluated is not mapping or uid not in evaluated -%}
            {%- do problems.append(name ~ ' (' ~ uid ~ '): not in the evaluation') -%}
        {%- elif evaluated[uid] != current[uid] -%}
            {%- do problems.append(name ~ ' (' ~ uid ~ '): changed since it was evaluated') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{% endmacro %}
