{#- For `tessera build|run|…` and `tessera check` without the plugin: everything the
    evaluation reads, printed as one JSON document {config, ensure | plan, state}.
    ensure: create or migrate the registry first (gated commands); else read only, and a
    registry that does not exist yet reads as empty. statuses: the proposal statuses to load. -#}
{% macro evaluation_inputs(ensure=false, statuses=none) %}
    {%- set out = {'config': tessera.get_config()} -%}
    {%- set readable = true -%}
    {%- if ensure is sameas true -%}
        {%- do out.update({'ensure': tessera.ensure_registry()}) -%}
    {%- else -%}
        {%- set plan = tessera._registry_plan() -%}
        {%- do out.update({'plan': plan}) -%}
        {%- set readable = 'tessera_contracts' not in (plan.get('tables') or []) | map(attribute='name') | list -%}
    {%- endif -%}
    {%- if readable -%}
        {%- do out.update({'state': tessera.load_state(none, statuses)}) -%}
    {%- endif -%}
    {%- do print(tojson(tessera.jsonable(out), sort_keys=true)) -%}
{% endmacro %}
