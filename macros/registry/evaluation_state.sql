{#- Everything an evaluation reads, in one call from the plugin (each call from Python costs
    about 10 ms before any SQL): the resolved configuration, the registry made ready and its
    state. writes: whether this evaluation records (then the registry is created or migrated
    first, cheaply when it is up to date); otherwise nothing is created, and a registry whose
    tables do not exist yet reads as empty ('missing': true). statuses: the proposal states
    to load (see load_state). Returns {'config', 'ensured', 'missing', 'state'}. -#}
{% macro evaluation_state(writes=false, statuses=none) %}
    {%- set config = tessera.get_config() -%}
    {%- if writes -%}
        {%- set ensured = tessera.ensure_registry() -%}
        {{ return({'config': config, 'ensured': ensured, 'missing': false,
                   'state': tessera.load_state(statuses=statuses)}) }}
    {%- endif -%}
    {%- set plan = tessera._registry_plan() -%}
    {%- if 'tessera_contracts' in (plan.tables | map(attribute='name') | list) -%}
        {{ return({'config': config, 'ensured': none, 'missing': true, 'state': none}) }}
    {%- endif -%}
    {{ return({'config': config, 'ensured': none, 'missing': false,
               'state': tessera.load_state(statuses=statuses)}) }}
{% endmacro %}
