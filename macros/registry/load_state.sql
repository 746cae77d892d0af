{#- Everything the gate needs from the registry, in three queries whatever the number of
    assets (asset_ids: only those assets; none: all):
      catalog   - teams, active members, assets and active registrations;
      contracts - every published version of the assets (for transitive modes);
      proposals - the proposals of the assets in `statuses` (default: the vocabulary's
                  active statuses), their affected teams and every answer.
    catalog and proposals are tagged unions: a `kind` column (team, member, asset,
    registration; proposal, proposal_team, acknowledgement) and the tables' own column names,
    null where a kind has no such column. Returns {'catalog': {'columns': [...], 'rows':
    [[...]]}, 'contracts': {...}, 'proposals': {...}} with plain lists; Python reads each row
    by column name (tessera_dbt.plugin.registry.parse_state). -#}
{% macro load_state(asset_ids=none, statuses=none) %}
    {%- set statuses = statuses if statuses is not none else tessera.vocabulary().statuses.active -%}
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
    {%- set catalog_sql = tessera._tagged_union([
        ('team', 'tessera_teams', ['name', 'description', 'source', 'created_at', 'deleted_at'], '1 = 1'),
        ('member', 'tessera_team_members', ['team', 'principal', 'role', 'created_at'], 'deleted_at is null'),
        ('asset', 'tessera_assets', ['asset_id', 'project_name', 'model_name', 'model_version', 'owner_team', 'compatibility',
            'guarantee_mode', 'relation_name', 'materialization', 'deprecation_date', 'latest_version', 'created_at', 'updated_at',
            'deleted_at'], '1 = 1' ~ asset_filter),
        ('registration', 'tessera_registrations', ['asset_id', 'team', 'source', 'columns_json', 'pinned_major', 'note', 'source_ref',
            'model_version', 'star_refs', 'created_at', 'updated_at'], 'deleted_at is null' ~ registration_filter),
    ]) -%}
    {%- set contracts_sql -%}
select asset_id, version, major, minor, patch, schema_json, guarantees_json, fingerprint, bump, published_at, published_by, proposal_id, compatibility, guarantee_mode
from {{ tessera.registry_relation('tessera_contracts') }} where 1 = 1{{ asset_filter }}
order by asset_id, major, minor, patch
    {%- endset -%}
    {%- set p_filter = 'status in ' ~ tessera.sql_in(statuses) ~ asset_filter -%}
    {%- set p_ids = 'proposal_id in (select proposal_id from ' ~ tessera.registry_relation('tessera_proposals') ~ ' where ' ~ p_filter ~ ')' -%}
    {%- set proposals_sql = tessera._tagged_union([
        ('proposal', 'tessera_proposals', ['proposal_id', 'asset_id', 'status', 'base_version', 'next_version', 'fingerprint', 'changes_json',
            'created_by', 'invocation_id', 'resolved_by', 'resolution_note', 'deadline', 'created_at', 'updated_at', 'resolved_at'], p_filter),
        ('proposal_team', 'tessera_proposal_teams', ['proposal_id', 'team', 'reason', 'added_at'], p_ids),
        ('acknowledgement', 'tessera_acknowledgements', ['proposal_id', 'team', 'response', 'note', 'acknowledged_by', 'ack_id',
            'migrating_until', 'acknowledged_at'], p_ids),
    ]) -%}
    {{ return({
        'catalog': tessera._rows_of(catalog_sql),
        'contracts': tessera._rows_of(contracts_sql),
        'proposals': tessera._rows_of(proposals_sql),
    }) }}
{% endmacro %}

{#- `select ... union all select ...` over registry tables: parts are (kind, table, columns,
    condition); the result has a `kind` column and every named column once, typed as its
    table defines it (null, cast to that type, in the parts that lack it). -#}
{% macro _tagged_union(parts) %}
    {%- set types = {} -%}
    {%- for spec in tessera.registry_tables() -%}
        {%- for column in spec.columns -%}{%- do types.update({spec.name ~ '.' ~ column[0]: column[1]}) -%}{%- endfor -%}
    {%- endfor -%}
    {%- set names = [] -%}
    {%- set type_of = {} -%}
    {%- for kind, table, columns, condition in parts -%}
        {%- for c in columns if c not in names -%}
            {%- do names.append(c) -%}
            {%- do type_of.update({c: types[table ~ '.' ~ c]}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set selects = [] -%}
    {%- for kind, table, columns, condition in parts -%}
        {%- set items = [tessera.quote_literal(kind) ~ ' as kind'] -%}
        {%- for c in names -%}
            {%- do items.append((c if c in columns else 'cast(null as ' ~ tessera._column_type(type_of[c]) ~ ')') ~ ' as ' ~ c) -%}
        {%- endfor -%}
        {%- do selects.append('select ' ~ items | join(', ') ~ '\nfrom ' ~ tessera.registry_relation(table) ~ ' where ' ~ condition) -%}
    {%- endfor -%}
    {{ return(selects | join('\nunion all\n')) }}
{% endmacro %}

{% macro _rows_of(sql) %}
    {%- set table = run_query(sql) -%}
    {%- set rows = [] -%}
    {%- for row in table.rows -%}{%- do rows.append(row.values() | list) -%}{%- endfor -%}
    {{ return({'columns': table.column_names | list, 'rows': rows}) }}
{% endmacro %}
