{#- The dbt commands the gate blocks (flags.WHICH; retry reports the retried command). -#}
{% macro gated_commands() %}
    {{ return(['build', 'run', 'seed', 'snapshot', 'retry', 'clone']) }}
{% endmacro %}
