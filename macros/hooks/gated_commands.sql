{#- The dbt commands the gate blocks (flags.WHICH; retry reports the retried command). -#}
{% macro gated_commands() %}
    {{ return(tessera.vocabulary().commands.gated) }}
{% endmacro %}
