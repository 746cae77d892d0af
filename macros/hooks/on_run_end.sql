{#- Publish on success (the package's on-run-end hook).

    After `dbt build` / `dbt run` (and their retry), when tessera_publish is true (the
    default; CI jobs for pull requests set it false), publishes the contract of every asset
    whose model succeeded in this run and whose verdict allows it, from the candidates the
    plugin recorded for this invocation in tessera_checks. An unchanged fingerprint has no
    candidate, so it publishes nothing. -#}
{% macro on_run_end(results) %}
    {%- if not execute or flags.WHICH not in tessera.vocabulary().commands.publishing -%}
        {{ return('') }}
    {%- endif -%}
    {%- if not tessera.get_config_var('tessera_publish') -%}
        {{ log("Tessera: tessera_publish is false; no contract is published by this run.", info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- set succeeded = [] -%}
    {%- for result in results or [] -%}
        {%- if result.node.resource_type == 'model' and result.status == 'success' -%}
            {%- do succeeded.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if succeeded | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- if tessera.get_config_var('tessera_fail_open') and not tessera.registry_schema_exists() -%}
        {{ return('') }}  {#- unreachable and failing open: there is nothing to publish -#}
    {%- endif -%}
    {%- set published = tessera.publish_contracts(tessera.evaluation_id(), succeeded) -%}
    {%- set new = published | selectattr('published') | list -%}
    {#- Counts the contracts published, not the models that built (package views included):
        nothing published, nothing said. -#}
    {%- if new | length > 0 -%}
        {{ log("Tessera: published " ~ (new | length) ~ " contract version(s) of the contracted models that built", info=true) }}
    {%- endif -%}
    {%- for item in new -%}
        {{ log("Tessera: published " ~ item.asset_id ~ " " ~ item.version ~ (" (proposal " ~ item.proposal_id ~ ")" if item.proposal_id else ""), info=true) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
