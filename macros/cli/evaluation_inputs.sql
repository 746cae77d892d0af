{#- For `tessera build|run|…` and `tessera check` without the plugin: everything the
    evaluation reads (tessera.evaluation_state: {config, ensured, missing, state}), printed as
    one JSON document. ensure: create or migrate the registry first (gated commands); else
    read only, and a registry that does not exist yet reads as missing. statuses: the
    proposal statuses to load. -#}
{% macro evaluation_inputs(ensure=false, statuses=none) %}
    {%- set out = tessera.evaluation_state(writes=ensure is sameas true, statuses=statuses) -%}
    {%- do print(tojson(tessera.jsonable(out), sort_keys=true)) -%}
{% endmacro %}
