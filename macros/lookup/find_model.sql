{#- Resolve a `model` argument (a model name, "package.name", a unique_id, or with ".vN" for a
    version) to an asset of the project (graph.nodes). A bare name of a versioned model
    means its latest version, as ref() does. Refuses unknown, ambiguous and non-asset models.
    With registry_fallback, a model that left the project is still found by the asset_id
    (or model name) it has in tessera_assets. Returns a dict: asset_id, name, package_name,
    version, owner, columns, in_project. -#}
{% macro find_model(op, argument, value, registry_fallback=false) %}
    {%- set candidates = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- set full = node.package_name ~ '.' ~ node.name -%}
        {%- set names = [node.unique_id, full, node.name] -%}
        {%- if node.version is not none -%}
            {%- do names.extend([node.name ~ '.v' ~ node.version, full ~ '.v' ~ node.version]) -%}
        {%- endif -%}
        {%- if value in names -%}{%- do candidates.append(node) -%}{%- endif -%}
    {%- endfor -%}
    {%- if candidates | length > 1 -%}
        {%- set latest = [] -%}
        {%- for node in candidates -%}
            {%- if node.version is not none and node.latest_version is not none and (node.version | string) == (node.latest_version | string) -%}
                {%- do latest.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set families = candidates | map(attribute='package_name') | unique | list | length == 1 and candidates | map(attribute='name') | unique | list | length == 1 -%}
        {%- if families and latest | length == 1 -%}
            {%- set candidates = latest -%}
        {%- else -%}
            {%- do tessera.refuse(op, argument, value, 'is ambiguous', 'one of ' ~ (candidates | map(attribute='unique_id') | sort | join(', '))) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if candidates | length == 0 -%}
        {%- if registry_fallback -%}
            {%- set known = tessera._registry_asset(value) -%}
            {%- if known is not none -%}{{ return(known) }}{%- endif -%}
        {%- endif -%}
        {%- do tessera.refuse(op, argument, value, 'is not a model of this project', 'a model name, package.name or unique_id of a contracted model, or an asset the registry knows (unique_id or project.model)') -%}
    {%- endif -%}
    {%- set found = tessera._asset_of(candidates[0]) -%}
    {%- if found is none and registry_fallback -%}
        {#- A node of another project (dbt-loom, a cross-project ref) carries no contract here:
            the registry knows it as an asset of its own project. -#}
        {%- set found = tessera._registry_asset(candidates[0].unique_id) -%}
    {%- endif -%}
    {%- if found is none -%}
        {%- do tessera.refuse(op, argument, value, 'is not a Tessera asset', 'a model with an enforced contract or meta.tessera.asset: true') -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}

{#- An asset the registry knows (live), by unique_id, project.model or model name (one match),
    as find_model returns it (in_project false), else none. -#}
{% macro _registry_asset(value) %}
    {%- set q = tessera.quote_literal -%}
    {%- set rows = tessera.run_select('select asset_id, model_name, project_name, model_version, owner_team from ' ~ tessera.registry_relation('tessera_assets')
        ~ ' where deleted_at is null and (asset_id = ' ~ q(value) ~ ' or model_name = ' ~ q(value) ~ ' or ' ~ dbt.concat(['project_name', "'.'", 'model_name']) ~ ' = ' ~ q(value) ~ ')') -%}
    {%- if rows | length != 1 -%}
        {#- A versioned model: its latest version. -#}
        {%- set rows = rows | selectattr('model_version', 'none') | list if rows | length > 1 and rows | selectattr('model_version', 'none') | list | length == 1 else rows -%}
    {%- endif -%}
    {%- if rows | length != 1 -%}{{ return(none) }}{%- endif -%}
    {{ return({'asset_id': rows[0].asset_id, 'name': rows[0].model_name, 'package_name': rows[0].project_name,
               'version': rows[0].model_version, 'owner': rows[0].owner_team, 'compatibility': none, 'columns': [], 'in_project': false}) }}
{% endmacro %}

{#- The asset a model node describes (dict as find_model returns), or none when the node is
    not an asset (no enforced contract and no meta.tessera.asset: true). -#}
{% macro _asset_of(node) %}
    {%- set spec = tessera.node_meta(node, 'tessera').value -%}
    {%- set contract = node.config.get('contract') or {} -%}
    {#- The same rule as tessera_dbt.core.extract: an enforced contract or meta.tessera.asset. -#}
    {%- if not contract.get('enforced') and not (spec is mapping and spec.get('asset') is sameas true) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set groups = (graph.get('groups') or {}).values() | map(attribute='name') | list -%}
    {%- set owner = tessera.model_owner(spec, node.config.get('group'), groups, tessera.get_config_var('tessera_default_owner'), tessera.get_config_var('tessera_team')) -%}
    {{ return({
        'asset_id': node.unique_id,
        'name': node.name,
        'package_name': node.package_name,
        'version': node.version,
        'owner': owner,
        'compatibility': (spec.get('compatibility') if spec is mapping else none) or tessera.get_config_var('tessera_default_compatibility'),
        'columns': node.columns.keys() | list,
        'in_project': true,
    }) }}
{% endmacro %}
