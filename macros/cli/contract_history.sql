{#- dbt run-operation tessera.contract_history --args '{model: orders, format: json}'
    Read-only: every published version of a model, oldest first, with its bump, the changes
    against the version before, who published it and the proposal it shipped under. model
    may also name an asset that has left the project. format: text or json. -#}
{% macro contract_history(model=none, format=none) %}
    {%- set op = 'contract_history' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'format']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- set rows = tessera.run_select('select version, fingerprint, bump, changes_json, published_at, published_by, proposal_id from '
        ~ tessera.registry_relation('tessera_contracts') ~ ' where asset_id = ' ~ tessera.quote_literal(asset.asset_id) ~ ' order by major, minor, patch') -%}
    {%- set versions = [] -%}
    {%- for row in rows -%}
        {%- set item = tessera.jsonable({'version': row.version, 'fingerprint': row.fingerprint, 'bump': row.bump,
            'published_at': row.published_at, 'published_by': row.published_by, 'proposal_id': row.proposal_id}) -%}
        {%- do item.update({'changes': fromjson(row.changes_json) if row.changes_json else []}) -%}
        {%- do versions.append(item) -%}
    {%- endfor -%}
    {%- if format == 'json' -%}
        {%- do print(tojson({'asset_id': asset.asset_id, 'model': asset.name, 'versions': versions}, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set vrows = [] -%}
    {%- for v in versions -%}
        {%- do vrows.append([v.version, v.bump, (v.published_at or '')[:19], v.published_by, v.proposal_id, v.changes | map(attribute='message') | join('; ')]) -%}
    {%- endfor -%}
    {%- do log('tessera: ' ~ asset.asset_id ~ ': ' ~ versions | length ~ ' published version(s)\n' ~ tessera.format_table(['version', 'bump', 'published (UTC)', 'by', 'proposal', 'changes'], vrows), info=true) -%}
{% endmacro %}
