{#- dbt run-operation tessera.impact --args '{model: orders, format: json}'
    Who a change to an asset reaches:
      - consumers: the asset's registrations (team, source, columns, pinned major), plus the
        teams of this project's exposures on it that the next gated build will register;
      - downstream: every node downstream of the model in this project's graph (transitively),
        with its owner team (models: meta.tessera.owner, else the name of its dbt group, else
        tessera_default_owner; exposures: meta.tessera.team, else owner.name) and depth;
      - exposures: the exposures among them;
      - change: when the project changes the contract now (this invocation's evaluation) or a
        proposal is open, the breaking changes, which consumers they affect and why, and
        which they do not affect and why.
    format: text (tables in the log) or json (one document on stdout). -#}
{% macro impact(model=none, format=none) %}
    {%- set op = 'impact' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'format']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set q = tessera.quote_literal -%}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- set asset_id = asset.asset_id -%}
    {#- The document is computed by the tessera-dbt plugin when dbt loads the project (it runs
        for this operation: tessera_dbt.core.impact) and recorded in this invocation's summary
        row of tessera_checks; this macro adds the open proposals and prints. -#}
    {%- set rows = tessera.run_select('select details_json from ' ~ tessera.registry_relation('tessera_checks') ~ ' where invocation_id = ' ~ q(invocation_id)
        ~ ' and row_kind = ' ~ q('summary')) -%}
    {%- if rows | length == 0 -%}
        {{ exceptions.raise_compiler_error("tessera.impact: no evaluation for this invocation: the tessera-dbt plugin computes the impact, and it did not run (is it installed in this Python environment? pip install tessera-dbt)") }}
    {%- endif -%}
    {%- set doc = (fromjson(rows[0].details_json or '{}') or {}).get('impact') -%}
    {%- if doc is none or doc.asset_id != asset_id -%}
        {{ exceptions.raise_compiler_error("tessera.impact: this invocation's evaluation has no impact of " ~ asset_id ~ " (the plugin resolved " ~ tojson(doc.asset_id if doc else none) ~ ")") }}
    {%- endif -%}
    {%- set owner = doc.owner -%}
    {%- set consumers = doc.consumers -%}
    {%- set downstream = doc.downstream -%}
    {%- set exposures = doc.exposures -%}
    {%- set change = doc.change -%}
    {%- set proposals = tessera.proposal_details('p.status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.open) ~ ' and p.asset_id = ' ~ q(asset_id)) -%}

    {%- set result = tessera.jsonable({'asset_id': asset_id, 'model': doc.model, 'owner': owner, 'registry': tessera.registry_relation() | string,
        'consumers': consumers, 'downstream': downstream, 'exposures': exposures, 'change': change, 'open_proposals': proposals}) -%}
    {%- if format == 'json' -%}
        {%- do print(tojson(result, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set lines = ['impact of ' ~ asset_id ~ ' (owner: ' ~ (owner or 'none') ~ ')'] -%}
    {%- set crows = [] -%}
    {%- for c in consumers -%}{%- do crows.append([c.team, c.source, (c.columns | join(', ')) if c.columns else 'all', c.pinned_major, c.source_ref, (c.note or '') if c.registered else 'not registered yet']) -%}{%- endfor -%}
    {%- do lines.append('\nconsumers:\n' ~ (tessera.format_table(['team', 'source', 'columns', 'pinned major', 'from', 'note'], crows) if crows else '  none registered')) -%}
    {%- set drows = [] -%}
    {%- for d in downstream -%}{%- do drows.append([d.depth, d.resource_type, d.name, d.owner, d.via]) -%}{%- endfor -%}
    {%- do lines.append('\ndownstream:\n' ~ (tessera.format_table(['depth', 'type', 'name', 'owner', 'via'], drows) if drows else '  nothing')) -%}
    {%- set erows = [] -%}
    {%- for e in exposures -%}{%- do erows.append([e.name, e.type, e.team, 'direct' if e.direct else 'through another model', e.url]) -%}{%- endfor -%}
    {%- do lines.append('\nexposures:\n' ~ (tessera.format_table(['exposure', 'type', 'team', 'depends', 'url'], erows) if erows else '  none')) -%}
    {%- if change is not none -%}
        {%- do lines.append('\nchange (' ~ change.origin ~ ', ' ~ change.verdict ~ ', base ' ~ (change.base_version or 'none') ~ ((', proposal ' ~ change.proposal_id) if change.proposal_id else '') ~ '):') -%}
        {%- for b in change.breaking_changes -%}{%- do lines.append('  - ' ~ b.message) -%}{%- endfor -%}
        {%- set arows = [] -%}
        {%- for a in change.affected -%}{%- do arows.append([a.team, a.source, 'affected', a.reason, a.response or 'no answer']) -%}{%- endfor -%}
        {%- for a in change.not_affected -%}{%- do arows.append([a.team, a.source, 'not affected', a.why, '']) -%}{%- endfor -%}
        {%- if arows -%}{%- do lines.append(tessera.format_table(['team', 'source', 'impact', 'why', 'answer'], arows)) -%}{%- endif -%}
    {%- else -%}
        {%- do lines.append('\nno pending change') -%}
    {%- endif -%}
    {%- do log('tessera: ' ~ lines | join('\n'), info=true) -%}
{% endmacro %}
