{#- The gate's last word before anything runs (the package's on-run-start hook).

    For gated commands (build, run, seed, snapshot, retry, clone) it makes sure the registry
    exists, then reads the plugin's evaluation of this invocation from tessera_checks and
    refuses to run when a selected model is blocked, or when a contracted model with
    consumers was removed (an empty selection, as dbt retry has, counts every blocked model).
    Without an evaluation it fails closed (the plugin did not run: not installed,
    --no-write-json, dbtRunner(manifest=...)); tessera_fail_open lets a run through only
    when the registry is unreachable, and says so in one line.
    Other commands (test, compile, docs generate) pass untouched. -#}
{% macro on_run_start() %}
    {%- if not execute or flags.WHICH not in tessera.gated_commands() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set fail_open = tessera.get_config_var('tessera_fail_open') -%}
    {%- if fail_open and not tessera.registry_schema_exists() -%}
        {#- Fail-open applies only here: the registry cannot be reached, so nothing can be
            recorded in it either; the next gated run compares the relations with their
            published contracts (drift). -#}
        {%- set contracted = [] -%}
        {%- for uid in selected_resources | default([]) if uid in graph.nodes and graph.nodes[uid].resource_type == 'model' -%}
            {%- do contracted.append(uid) -%}
        {%- endfor -%}
        {{ log("Warning: Tessera did NOT gate this run: the registry " ~ tessera.registry_relation() ~ " is unreachable and tessera_fail_open is true, so no contract of the " ~ (contracted | length) ~ " selected model(s) was compared with its published version or its consumers, and nothing will be published.", info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set evaluation_id = tessera.evaluation_id() -%}
    {%- set sql -%}
select row_kind, asset_id, model_name, verdict, message, blocks_all,
       case when row_kind = 'summary' then details_json end as details_json
from {{ tessera.registry_relation('tessera_checks') }}
where invocation_id = {{ tessera.quote_literal(evaluation_id) }}
  and (row_kind = 'summary' or verdict = {{ tessera.quote_literal(tessera.vocabulary().verdicts.blocked) }})
    {%- endset -%}
    {%- set rows = tessera.run_select(sql) -%}
    {%- set summaries = rows | selectattr('row_kind', 'equalto', 'summary') | list -%}
    {%- if summaries | length == 0 -%}
        {%- set reason -%}
Tessera has no evaluation for this invocation ({{ evaluation_id }}), so it cannot tell whether a breaking contract change is about to ship.
The tessera-dbt plugin evaluates contracts when dbt writes manifest.json. Either it is not installed in the Python environment that runs dbt (pip install tessera-dbt; check with `tessera --version`), or this run skipped it (--no-write-json, DBT_WRITE_JSON=false, or dbtRunner(manifest=...)). Where dbt has no Python plugins (dbt v2), run `tessera {{ flags.WHICH }}` instead: it evaluates, then runs dbt.
The registry is reachable, so tessera_fail_open does not apply (it lets a run through only when the registry cannot be reached).
        {%- endset -%}
        {{ exceptions.raise_compiler_error(reason) }}
    {%- endif -%}
    {%- set selected = selected_resources | default([]) -%}
    {%- set stale = tessera.verify_evaluation(summaries[0], selected) -%}
    {%- if stale | length > 0 -%}
        {{ exceptions.raise_compiler_error("Tessera refused this run: its evaluation (" ~ evaluation_id ~ ") does not cover the contracts being built, so it cannot vouch for them:\n  " ~ (stale | join('\n  ')) ~ "\nEvaluate again: run the command again (or `tessera " ~ flags.WHICH ~ "` where dbt has no Python plugins).") }}
    {%- endif -%}
    {#- An empty selection is not "nothing selected": dbt retry passes none at all (it
        re-runs the nodes of the previous run), so every blocked row blocks. -#}
    {%- set everything = selected | length == 0 -%}
    {%- set blocking = [] -%}
    {%- for row in rows if row.row_kind != 'summary' -%}
        {%- if everything or row.blocks_all in (true, 1, 'true') or row.asset_id in selected -%}
            {%- do blocking.append(row) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if blocking | length > 0 -%}
        {%- set lines = ["Tessera blocked this run: " ~ (blocking | length) ~ " model(s) have breaking contract changes that affected consumers have not acknowledged."] -%}
        {%- for row in blocking | sort(attribute='asset_id') -%}
            {%- do lines.append(row.message) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(lines | join('\n')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
