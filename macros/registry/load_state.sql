{#- Everything the gate needs from the registry, in three queries whatever the number of
    assets (asset_ids: only those assets; none: all):
      catalog   - teams, active members, assets and active registrations (a tagged union);
      contracts - every published version of the assets (for transitive modes);
      proposals - the active proposals of the assets (status in `statuses`), their affected
                  teams and every answer (a tagged union).
    Returns {'catalog': {'columns': [...], 'rows': [[...]]}, 'contracts': {...},
    'proposals': {...}} with plain lists (see tessera_dbt.plugin.registry for the row layouts). -#}
{% macro load_state(asset_ids=none, statuses=none) %}
    {%- set statuses = statuses if statuses is not none else ['pending', 'approved', 'rejected', 'forced'] -%}
    {%- set t = tessera.type_text() -%}
    {%- set ts = tessera.type_timestamp() -%}
    {%- set n = tessera.type_integer() -%}
    {%- set q = tessera.quote_literal -%}
    {%- if asset_ids is not none -%}
        {%- set ids = [] -%}
        {%- for a in asset_ids -%}{%- do ids.append(q(a)) -%}{%- endfor -%}
        {%- set in_assets = ' in (' ~ (ids | join(', ') if ids else q('')) ~ ')' -%}
    {%- endif -%}
    {%- set asset_filter = (' and asset_id' ~ in_assets) if asset_ids is not none else '' -%}
    {#- Registrations on a versioned model are on the model (its asset_id without the version). -#}
    {%- set registration_filter = asset_filter -%}
    {%- if asset_ids is not none -%}
        {%- set models = [] -%}
        {%- for a in asset_ids if (a | string).split('.') | length > 3 -%}
            {%- do models.append(q((a | string).split('.')[:3] | join('.'))) -%}
        {%- endfor -%}
        {%- if models -%}
            {%- set registration_filter = ' and (asset_id' ~ in_assets ~ ' or asset_id in (' ~ models | join(', ') ~ '))' -%}
        {%- endif -%}
    {%- endif -%}
    {%- set status_list = [] -%}
    {%- for s in statuses -%}{%- do status_list.append(q(s)) -%}{%- endfor -%}
    {#- 1. catalog: kind, s1..s11 (text), t1..t3 (timestamps), n1 (integer) -#}
    {%- set catalog_sql -%}
select 'team' as kind, name as s1, description as s2, source as s3, cast(null as {{ t }}) as s4, cast(null as {{ t }}) as s5,
       cast(null as {{ t }}) as s6, cast(null as {{ t }}) as s7, cast(null as {{ t }}) as s8, cast(null as {{ t }}) as s9, cast(null as {{ t }}) as s10,
       cast(null as {{ t }}) as s11, created_at as t1, deleted_at as t2, cast(null as {{ ts }}) as t3, cast(null as {{ n }}) as n1
from {{ tessera.registry_relation('tessera_teams') }}
union all
select 'member', team, principal, role, null, null, null, null, null, null, null, null, created_at, null, null, null
from {{ tessera.registry_relation('tessera_team_members') }} where deleted_at is null
union all
select 'asset', asset_id, project_name, model_name, model_version, owner_team, compatibility, guarantee_mode, relation_name, materialization, deprecation_date,
       latest_version, created_at, updated_at, deleted_at, null
from {{ tessera.registry_relation('tessera_assets') }} where 1 = 1{{ asset_filter }}
union all
select 'registration', asset_id, team, source, columns_json, note, source_ref, model_version, star_refs, null, null, null, created_at, updated_at, null, pinned_major
from {{ tessera.registry_relation('tessera_registrations') }} where deleted_at is null{{ registration_filter }}
    {%- endset -%}
    {#- 2. contracts -#}
    {%- set contracts_sql -%}
select asset_id, version, major, minor, patch, schema_json, guarantees_json, fingerprint, bump, published_at, published_by, proposal_id
from {{ tessera.registry_relation('tessera_contracts') }} where 1 = 1{{ asset_filter }}
order by asset_id, major, minor, patch
    {%- endset -%}
    {#- 3. proposals: kind, s1..s12 (text), t1..t3 (timestamps) -#}
    {%- set p_filter = 'status in (' ~ status_list | join(', ') ~ ')' ~ asset_filter -%}
    {%- set p_ids = 'select proposal_id from ' ~ tessera.registry_relation('tessera_proposals') ~ ' where ' ~ p_filter -%}
    {%- set proposals_sql -%}
select 'proposal' as kind, proposal_id as s1, asset_id as s2, status as s3, base_version as s4, next_version as s5, fingerprint as s6,
       changes_json as s7, created_by as s8, invocation_id as s9, resolved_by as s10, resolution_note as s11,
       deadline as s12, created_at as t1, updated_at as t2, resolved_at as t3
from {{ tessera.registry_relation('tessera_proposals') }} where {{ p_filter }}
union all
select 'proposal_team', proposal_id, team, reason, null, null, null, null, null, null, null, null, null, added_at, null, null
from {{ tessera.registry_relation('tessera_proposal_teams') }} where proposal_id in ({{ p_ids }})
union all
select 'acknowledgement', proposal_id, team, response, note, acknowledged_by, ack_id, migrating_until, null, null, null, null, null, acknowledged_at, null, null
from {{ tessera.registry_relation('tessera_acknowledgements') }} where proposal_id in ({{ p_ids }})
    {%- endset -%}
    {{ return({
        'catalog': tessera._rows_of(catalog_sql),
        'contracts': tessera._rows_of(contracts_sql),
        'proposals': tessera._rows_of(proposals_sql),
    }) }}
{% endmacro %}

{% macro _rows_of(sql) %}
    {%- set table = run_query(sql) -%}
    {%- set rows = [] -%}
    {%- for row in table.rows -%}{%- do rows.append(row.values() | list) -%}{%- endfor -%}
    {{ return({'columns': table.column_names | list, 'rows': rows}) }}
{% endmacro %}
