{#- Resolve a proposal from `proposal_id` (an id, or a model that has exactly one open
    proposal) or from `model`. Refuses unknown ids and models with no or several open
    proposals. Returns the tessera_proposals row as a dict, plus `owner_team` (from
    tessera_assets, else the project). Open = pending, approved or rejected. -#}
{% macro find_proposal(op, proposal_id, model) %}
    {%- set proposals = tessera.registry_relation('tessera_proposals') -%}
    {%- set assets = tessera.registry_relation('tessera_assets') -%}
    {%- set select_sql -%}
select p.proposal_id, p.asset_id, p.status, p.base_version, p.next_version, p.fingerprint,
       p.changes_json, p.created_at, p.created_by, p.resolved_at, a.owner_team, a.model_name
from {{ proposals }} as p
left join {{ assets }} as a on a.asset_id = p.asset_id
    {%- endset -%}
    {%- if proposal_id is not none -%}
        {%- set rows = tessera.run_select(select_sql ~ ' where p.proposal_id = ' ~ tessera.quote_literal(proposal_id)) -%}
        {%- if rows | length > 0 -%}
            {{ return(tessera._with_owner(rows[0], none)) }}
        {%- endif -%}
        {%- set asset = tessera._try_model(proposal_id) -%}
        {%- if asset is none -%}
            {%- do tessera.refuse(op, 'proposal_id', proposal_id, 'is not a proposal', 'a proposal id (see tessera.list_proposals) or a model with one open proposal') -%}
        {%- endif -%}
        {%- set argument = 'proposal_id' -%}
        {%- set value = proposal_id -%}
    {%- else -%}
        {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
        {%- set argument = 'model' -%}
        {%- set value = model -%}
    {%- endif -%}
    {%- set rows = tessera.run_select(select_sql ~ " where p.asset_id = " ~ tessera.quote_literal(asset.asset_id) ~ ' and p.status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.open) ~ ' order by p.created_at') -%}
    {%- if rows | length == 0 -%}
        {%- do tessera.refuse(op, argument, value, 'has no open proposal', 'a proposal id (see tessera.list_proposals) or a model with one open proposal') -%}
    {%- elif rows | length > 1 -%}
        {%- do tessera.refuse(op, argument, value, 'has ' ~ rows | length ~ ' open proposals', 'one of the proposal ids ' ~ (rows | map(attribute='proposal_id') | join(', '))) -%}
    {%- endif -%}
    {{ return(tessera._with_owner(rows[0], asset)) }}
{% endmacro %}

{% macro _try_model(value) %}
    {#- find_model without refusing: none when value names no asset of the project. -#}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- if value in [node.unique_id, node.package_name ~ '.' ~ node.name, node.name] -%}
            {{ return(tessera.find_model('lookup', 'model', value, registry_fallback=true)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{% macro _with_owner(row, asset) %}
    {%- if row.owner_team is none -%}
        {%- if asset is none -%}
            {%- for node in graph.nodes.values() if node.unique_id == row.asset_id -%}
                {%- set asset = tessera.find_model('lookup', 'model', node.unique_id) -%}
                {%- do row.update({'owner_team': asset.owner}) -%}
            {%- endfor -%}
        {%- else -%}
            {%- do row.update({'owner_team': asset.owner}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(row) }}
{% endmacro %}
