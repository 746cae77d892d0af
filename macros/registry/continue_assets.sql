{#- A dbt version continues the asset its model was before it became versioned
    (tessera_dbt.core.versions): successions is a list of {old, new, reason}. Copies the old
    asset's published versions to the new asset id (insert ... select ... on conflict do
    nothing: a second build copies nothing), moves the old asset's open proposals to it,
    and audits each continuation (asset_continued). Registrations stay on the model id,
    which is the old asset id; for a renamed asset (move_registrations) they move to the new
    id. One transaction. Returns the number of successions. -#}
{% macro continue_assets(successions) %}
    {%- if not execute or successions | length == 0 -%}{{ return(0) }}{%- endif -%}
    {%- set q = tessera.quote_literal -%}
    {%- set t = tessera.type_text() -%}
    {%- set contracts = tessera.registry_relation('tessera_contracts') -%}
    {%- set columns = ['asset_id', 'version', 'major', 'minor', 'patch', 'schema_json', 'guarantees_json', 'fingerprint', 'bump', 'changes_json',
                       'published_at', 'published_by', 'proposal_id', 'invocation_id', 'compatibility', 'guarantee_mode'] -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = [] -%}
    {%- set audit = [] -%}
    {%- for s in successions -%}
        {%- set select_sql -%}
select cast({{ q(s.new) }} as {{ t }}) as asset_id, version, major, minor, patch, schema_json, guarantees_json, fingerprint, bump, changes_json,
       published_at, published_by, proposal_id, invocation_id, compatibility, guarantee_mode
from {{ contracts }} where asset_id = {{ q(s.old) }}
        {%- endset -%}
        {%- do statements.append(tessera.insert_select_idempotent('tessera_contracts', columns, select_sql, ['asset_id', 'version'])) -%}
        {%- do statements.append('update ' ~ tessera.registry_relation('tessera_proposals') ~ ' set asset_id = ' ~ q(s.new) ~ ', updated_at = ' ~ q(now)
            ~ ' where asset_id = ' ~ q(s.old) ~ ' and status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.active)) -%}
        {%- if s.move_registrations -%}
            {#- A renamed asset (project or model renamed, same relation): its consumers follow. -#}
            {%- do statements.append('update ' ~ tessera.registry_relation('tessera_registrations') ~ ' set asset_id = ' ~ q(s.new) ~ ', updated_at = ' ~ q(now)
                ~ ' where asset_id = ' ~ q(s.old) ~ ' and deleted_at is null') -%}
        {%- endif -%}
        {%- do audit.append(tessera.audit_row('asset_continued', 'asset', s.new, {'continues': s.old, 'reason': s.reason}, actor, now, loop.index)) -%}
    {%- endfor -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(successions | length) }}
{% endmacro %}
