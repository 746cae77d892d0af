{#- Insert or update asset rows (dicts with asset_id and any of project_name, model_name,
    model_version, owner_team, compatibility, guarantee_mode, relation_name, materialization,
    deprecation_date, deleted_at, last_invocation_id, latest_version). Audits new assets (asset_registered)
    and owner or compatibility changes (asset_updated). One transaction. Returns
    {'created': [asset_id], 'updated': [asset_id]}. -#}
{% macro upsert_assets(rows) %}
    {%- if rows | length == 0 -%}{{ return({'created': [], 'updated': []}) }}{%- endif -%}
    {%- set columns = ['asset_id', 'project_name', 'model_name', 'model_version', 'owner_team', 'compatibility', 'guarantee_mode',
                       'relation_name', 'materialization', 'deprecation_date', 'created_at', 'updated_at', 'deleted_at', 'last_invocation_id', 'latest_version'] -%}
    {%- set literals = [] -%}
    {%- for row in rows -%}{%- do literals.append(tessera.quote_literal(row['asset_id'])) -%}{%- endfor -%}
    {%- set existing = {} -%}
    {%- for chunk in literals | batch(500) -%}
        {%- for row in tessera.run_select('select asset_id, owner_team, compatibility, deleted_at from ' ~ tessera.registry_relation('tessera_assets') ~ ' where asset_id in (' ~ chunk | join(', ') ~ ')') -%}
            {%- do existing.update({row.asset_id: row}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set out = [] -%}
    {%- set audit = [] -%}
    {%- set created = [] -%}
    {%- set updated = [] -%}
    {%- for row in rows -%}
        {%- set item = {} -%}
        {%- for column in columns -%}{%- do item.update({column: row.get(column)}) -%}{%- endfor -%}
        {%- set model_version = row.get('model_version') -%}
        {%- set latest_version = row.get('latest_version') -%}
        {%- do item.update({'model_version': (model_version | string) if model_version is not none else none,
                            'latest_version': (latest_version | string) if latest_version is not none else none, 'created_at': now, 'updated_at': now,
                            'last_invocation_id': row.get('last_invocation_id') or invocation_id}) -%}
        {%- do out.append(item) -%}
        {%- set old = existing.get(row['asset_id']) -%}
        {%- if old is none -%}
            {%- do created.append(row['asset_id']) -%}
            {%- do audit.append(tessera.audit_row('asset_registered', 'asset', row['asset_id'], {'owner_team': item.owner_team, 'compatibility': item.compatibility}, actor, now, loop.index)) -%}
        {%- elif old.owner_team != item.owner_team or old.compatibility != item.compatibility or (old.deleted_at is none) != (item.deleted_at is none) -%}
            {%- do updated.append(row['asset_id']) -%}
            {%- do audit.append(tessera.audit_row('asset_updated', 'asset', row['asset_id'], {
                'owner_team': [old.owner_team, item.owner_team], 'compatibility': [old.compatibility, item.compatibility],
                'deleted': item.deleted_at is not none}, actor, now, loop.index)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set statements = tessera.upsert_rows('tessera_assets', out, ['asset_id'], columns | reject('in', ['asset_id', 'created_at']) | list, columns) -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return({'created': created, 'updated': updated}) }}
{% endmacro %}
