{#- For `tessera build|run|…` without the plugin: the evaluation's writes, in order, as the
    plugin makes them (one macro call each). `calls` is a list of {macro, kwargs}; when
    absent it is read from the environment (TESSERA_CALLS_COUNT chunks TESSERA_CALLS_0…, a
    JSON text split to stay under the operating system's limit on one argument). Only the
    evaluation's write macros may be named. Prints {"recorded": n}. -#}
{% macro record_evaluation(calls=none) %}
    {%- if calls is none -%}
        {%- set chunks = [] -%}
        {%- for n in range(env_var('TESSERA_CALLS_COUNT', '0') | int) -%}
            {%- do chunks.append(env_var('TESSERA_CALLS_' ~ n, '')) -%}
        {%- endfor -%}
        {%- set calls = fromjson(chunks | join('')) if chunks else [] -%}
    {%- endif -%}
    {%- set allowed = ['ensure_teams', 'upsert_assets', 'continue_assets', 'supersede_proposals', 'expire_proposals', 'sync_derived_registrations', 'open_proposals', 'record_events', 'write_checks'] -%}
    {%- for call in calls -%}
        {%- if call.macro not in allowed -%}
            {%- do tessera.refuse('record_evaluation', 'calls', call.macro, 'is not one of the evaluation writes', allowed | join(', ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for call in calls -%}
        {%- set kw = call.kwargs or {} -%}
        {%- if call.macro == 'ensure_teams' -%}{%- do tessera.ensure_teams(**kw) -%}
        {%- elif call.macro == 'upsert_assets' -%}{%- do tessera.upsert_assets(**kw) -%}
        {%- elif call.macro == 'continue_assets' -%}{%- do tessera.continue_assets(**kw) -%}
        {%- elif call.macro == 'supersede_proposals' -%}{%- do tessera.supersede_proposals(**kw) -%}
        {%- elif call.macro == 'expire_proposals' -%}{%- do tessera.expire_proposals(**kw) -%}
        {%- elif call.macro == 'sync_derived_registrations' -%}{%- do tessera.sync_derived_registrations(**kw) -%}
        {%- elif call.macro == 'open_proposals' -%}{%- do tessera.open_proposals(**kw) -%}
        {%- elif call.macro == 'record_events' -%}{%- do tessera.record_events(**kw) -%}
        {%- elif call.macro == 'write_checks' -%}{%- do tessera.write_checks(**kw) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do print(tojson({'recorded': calls | length})) -%}
{% endmacro %}
