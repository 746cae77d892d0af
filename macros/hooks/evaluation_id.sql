{#- The invocation id the hooks look the evaluation up by. The plugin records it under
    this command's invocation_id. `tessera build|run|…` evaluates before dbt starts and
    hands its id over: `--invocation-id` where dbt accepts it (dbt v2; then it is
    invocation_id), else the TESSERA_INVOCATION_ID environment variable. Whatever id is
    used, on-run-start only accepts the evaluation when the fingerprints match. -#}
{% macro evaluation_id() %}
    {{ return(env_var('TESSERA_INVOCATION_ID', '') or invocation_id) }}
{% endmacro %}
