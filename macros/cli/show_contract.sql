{#- dbt run-operation tessera.show_contract --args '{model: orders, version: "1.1.0", format: json}'
    Read-only: one published contract of a model (default: the latest version) with its JSON
    Schema, guarantees, fingerprint, bump and who published it. model may also name an asset
    that has left the project. format: text (the columns in the log) or json (one document on
    stdout). -#}
{% macro show_contract(model=none, version=none, format=none) %}
    {%- set op = 'show_contract' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'version', 'format']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set version = tessera.arg_string(op, 'version', version, required=false) -%}
    {%- if version is not none and not modules.re.match('^[0-9]+\\.[0-9]+\\.[0-9]+$', version) -%}
        {%- do tessera.refuse(op, 'version', version, 'is not a version', 'MAJOR.MINOR.PATCH, e.g. "1.2.0" (quoted)') -%}
    {%- endif -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- set q = tessera.quote_literal -%}
    {%- set rows = tessera.run_select('select asset_id, version, schema_json, guarantees_json, fingerprint, bump, changes_json, published_at, published_by, proposal_id from '
        ~ tessera.registry_relation('tessera_contracts') ~ ' where asset_id = ' ~ q(asset.asset_id) ~ ' order by major desc, minor desc, patch desc') -%}
    {%- if rows | length == 0 -%}
        {%- do tessera.refuse(op, 'model', model, 'has no published contract yet', 'a model built at least once (dbt build publishes 1.0.0)') -%}
    {%- endif -%}
    {%- set chosen = [] -%}
    {%- for row in rows if version is none or row.version == version -%}
        {%- if chosen | length == 0 -%}{%- do chosen.append(row) -%}{%- endif -%}
    {%- endfor -%}
    {%- if chosen | length == 0 -%}
        {%- do tessera.refuse(op, 'version', version, 'is not a published version of ' ~ asset.asset_id, rows | map(attribute='version') | join(', ')) -%}
    {%- endif -%}
    {%- set row = chosen[0] -%}
    {%- set item = tessera.jsonable({'asset_id': row.asset_id, 'model': asset.name, 'version': row.version,
        'latest_version': rows[0].version, 'fingerprint': row.fingerprint, 'bump': row.bump,
        'published_at': row.published_at, 'published_by': row.published_by, 'proposal_id': row.proposal_id}) -%}
    {%- do item.update({'schema': fromjson(row.schema_json) if row.schema_json else {},
        'guarantees': fromjson(row.guarantees_json) if row.guarantees_json else {},
        'changes': fromjson(row.changes_json) if row.changes_json else []}) -%}
    {%- if format == 'json' -%}
        {%- do print(tojson(item, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set required = item.schema.get('required') or [] -%}
    {%- set crows = [] -%}
    {%- for name, prop in (item.schema.get('properties') or {}).items() -%}
        {%- do crows.append([name, prop.get('x-dbt-data-type') or prop.get('type'), 'yes' if name in required else '', prop.get('description')]) -%}
    {%- endfor -%}
    {%- set guarantees = item.guarantees.keys() | list | sort | join(', ') if item.guarantees is mapping else '' -%}
    {%- do log('tessera: ' ~ item.asset_id ~ ' version ' ~ item.version ~ ' (latest ' ~ item.latest_version ~ '), published ' ~ (item.published_at or '')[:19] ~ ' by ' ~ (item.published_by or 'unknown')
        ~ '\n' ~ tessera.format_table(['column', 'type', 'not null', 'description'], crows)
        ~ '\nguarantees: ' ~ (guarantees or 'none'), info=true) -%}
{% endmacro %}
