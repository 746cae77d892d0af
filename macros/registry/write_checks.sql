{#- Record the gate's evaluation of one invocation in tessera_checks: one row per asset
    (dicts keyed by the table's columns: asset_id, model_name, fingerprint, verdict, message,
    changes_json, schema_json, guarantees_json, base_version, next_version, bump, proposal_id,
    blocks_all, details_json; JSON columns as text, see tessera_dbt.core.records.CheckWrite) plus one summary row (row_kind 'summary',
    verdict summary.verdict or 'evaluated', details_json = summary). Rows of this invocation
    written before are replaced; rows older than tessera_checks_retention_days are pruned.
    One transaction. Returns the number of asset rows written. -#}
{% macro write_checks(invocation_id, rows, summary=none) %}
    {%- set relation = tessera.registry_relation('tessera_checks') -%}
    {%- set now = tessera.utc_now() -%}
    {%- set summary = summary if summary is not none else {} -%}
    {%- set out = [] -%}
    {%- for row in rows -%}
        {%- do out.append({
            'invocation_id': invocation_id, 'row_kind': 'asset', 'asset_id': row.get('asset_id'),
            'model_name': row.get('model_name'), 'fingerprint': row.get('fingerprint'), 'verdict': row.get('verdict'),
            'message': row.get('message'), 'changes_json': row.get('changes_json'),
            'schema_json': row.get('schema_json'), 'guarantees_json': row.get('guarantees_json'),
            'base_version': row.get('base_version'), 'next_version': row.get('next_version'), 'bump': row.get('bump'),
            'proposal_id': row.get('proposal_id'), 'blocks_all': row.get('blocks_all', false) is sameas true,
            'details_json': row.get('details_json'), 'checked_at': now,
            'compatibility': row.get('compatibility'), 'guarantee_mode': row.get('guarantee_mode')}) -%}
    {%- endfor -%}
    {%- do out.append({
        'invocation_id': invocation_id, 'row_kind': 'summary', 'asset_id': none, 'model_name': none, 'fingerprint': none,
        'verdict': summary.get('verdict', 'evaluated'), 'message': summary.get('message'), 'changes_json': none,
        'schema_json': none, 'guarantees_json': none, 'base_version': none, 'next_version': none, 'bump': none,
        'proposal_id': none, 'blocks_all': summary.get('blocks_all', false) is sameas true,
        'details_json': summary, 'checked_at': now, 'compatibility': none, 'guarantee_mode': none}) -%}
    {%- set days = tessera.get_config_var('tessera_checks_retention_days') | int -%}
    {%- set cutoff = now - modules.datetime.timedelta(days=days) -%}
    {%- set statements = [
        'delete from ' ~ relation ~ ' where invocation_id = ' ~ tessera.quote_literal(invocation_id),
        'delete from ' ~ relation ~ ' where checked_at < ' ~ tessera.quote_literal(cutoff),
    ] -%}
    {%- do statements.extend(tessera.insert_payload('tessera_checks', out)) -%}
    {%- do tessera.run_writes(statements, lock=false) -%}
    {{ return(rows | length) }}
{% endmacro %}
