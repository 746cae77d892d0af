{#- dbt run-operation tessera.status [--args '{model: orders, format: json}']
    Without model: every asset of the project (and any the registry still knows) with its
    owner, latest published version, consumers and open proposals. With model: that asset's
    versions, consumers and proposals in detail. format: text (tables in the log) or json
    (one document on stdout: {"registry": ..., "assets": [...]}). -#}
{% macro status(model=none, format=none) %}
    {%- set op = 'status' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'format']) -%}
    {%- set model = tessera.arg_string(op, 'model', model, required=false) -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set q = tessera.quote_literal -%}
    {#- The assets: from the project, then those only the registry knows. -#}
    {%- set assets = {} -%}
    {%- set order = [] -%}
    {%- if model is not none -%}
        {%- set found = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
        {%- do assets.update({found.asset_id: {'asset_id': found.asset_id, 'model': found.name, 'package': found.package_name, 'version': found.version | string if found.version is not none else none, 'owner_team': found.owner, 'compatibility': found.compatibility, 'in_project': found.in_project}}) -%}
        {%- do order.append(found.asset_id) -%}
        {%- set where = ' where asset_id = ' ~ q(found.asset_id) -%}
        {%- set and_where = ' and asset_id = ' ~ q(found.asset_id) -%}
    {%- else -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
            {%- set found = tessera._asset_of(node) -%}
            {%- if found is not none -%}
                {%- do assets.update({found.asset_id: {'asset_id': found.asset_id, 'model': found.name, 'package': found.package_name, 'version': found.version | string if found.version is not none else none, 'owner_team': found.owner, 'compatibility': found.compatibility, 'in_project': true}}) -%}
                {%- do order.append(found.asset_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set where = '' -%}
        {%- set and_where = '' -%}
    {%- endif -%}
    {%- for row in tessera.run_select('select asset_id, model_name, project_name, owner_team, compatibility, relation_name, deleted_at from ' ~ tessera.registry_relation('tessera_assets') ~ where) -%}
        {%- if row.asset_id not in assets and (row.deleted_at is none or model is not none) -%}
            {%- do assets.update({row.asset_id: {'asset_id': row.asset_id, 'model': row.model_name, 'package': row.project_name, 'version': none, 'owner_team': row.owner_team, 'compatibility': row.compatibility, 'in_project': false}}) -%}
            {%- do order.append(row.asset_id) -%}
        {%- endif -%}
        {%- if row.asset_id in assets -%}
            {%- set a = assets[row.asset_id] -%}
            {%- do a.update({'owner_team': row.owner_team or a.owner_team, 'compatibility': row.compatibility or a.compatibility, 'relation_name': row.relation_name}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for asset_id in order -%}
        {%- do assets[asset_id].update({'latest_version': none, 'published_at': none, 'versions': [], 'consumers': [], 'open_proposals': []}) -%}
    {%- endfor -%}
    {%- for row in tessera.run_select('select asset_id, version, fingerprint, published_at, published_by, proposal_id from ' ~ tessera.registry_relation('tessera_contracts') ~ where ~ ' order by asset_id, major, minor, patch') if row.asset_id in assets -%}
        {%- set a = assets[row.asset_id] -%}
        {%- do a.versions.append(tessera.jsonable(row)) -%}
        {%- do a.update({'latest_version': row.version, 'published_at': tessera.jsonable(row.published_at)}) -%}
    {%- endfor -%}
    {%- for row in tessera.run_select('select asset_id, team, source, columns_json, pinned_major, note, created_at from ' ~ tessera.registry_relation('tessera_registrations') ~ ' where deleted_at is null' ~ and_where ~ ' order by asset_id, team, source') if row.asset_id in assets -%}
        {%- do assets[row.asset_id].consumers.append(tessera.jsonable({'team': row.team, 'source': row.source, 'columns': fromjson(row.columns_json) if row.columns_json else none, 'pinned_major': row.pinned_major, 'note': row.note, 'created_at': row.created_at})) -%}
    {%- endfor -%}
    {%- set condition = ('p.status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.open)) ~ ((' and p.asset_id = ' ~ q(order[0])) if model is not none else '') -%}
    {%- for p in tessera.proposal_details(condition) if p.asset_id in assets -%}
        {%- do assets[p.asset_id].open_proposals.append(p) -%}
    {%- endfor -%}
    {%- set result = [] -%}
    {%- for asset_id in order -%}
        {%- set a = assets[asset_id] -%}
        {%- if model is none -%}{%- do a.pop('versions') -%}{%- endif -%}
        {%- do result.append(a) -%}
    {%- endfor -%}
    {%- if format == 'json' -%}
        {%- do print(tojson({'registry': tessera.registry_relation() | string, 'assets': result}, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if model is none -%}
        {%- set rows = [] -%}
        {%- for a in result -%}
            {%- do rows.append([a.model ~ ('.v' ~ a.version if a.version is not none else ''), a.owner_team, a.latest_version or 'unpublished', a.consumers | length, a.open_proposals | map(attribute='proposal_id') | join(', '), '' if a.in_project else 'not in project']) -%}
        {%- endfor -%}
        {%- do log('tessera: ' ~ result | length ~ ' asset(s) in ' ~ tessera.registry_relation() ~ '\n' ~ tessera.format_table(['model', 'owner', 'version', 'consumers', 'open proposals', 'note'], rows), info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set a = result[0] -%}
    {%- set lines = [a.asset_id ~ ' (owner: ' ~ (a.owner_team or 'none') ~ ', compatibility: ' ~ (a.compatibility or 'unknown') ~ ', latest version: ' ~ (a.latest_version or 'unpublished') ~ ')'] -%}
    {%- set vrows = [] -%}
    {%- for v in a.versions | reverse -%}{%- do vrows.append([v.version, (v.published_at or '')[:19], v.published_by, (v.fingerprint or '')[:12], v.proposal_id]) -%}{%- endfor -%}
    {%- do lines.append('\nversions:\n' ~ (tessera.format_table(['version', 'published (UTC)', 'by', 'fingerprint', 'proposal'], vrows) if vrows else '  none published')) -%}
    {%- set crows = [] -%}
    {%- for c in a.consumers -%}{%- do crows.append([c.team, c.source, (c.columns | join(', ')) if c.columns else 'all', c.pinned_major, c.note]) -%}{%- endfor -%}
    {%- do lines.append('\nconsumers:\n' ~ (tessera.format_table(['team', 'source', 'columns', 'pinned major', 'note'], crows) if crows else '  none registered')) -%}
    {%- set prows = [] -%}
    {%- for p in a.open_proposals -%}{%- do prows.append([p.proposal_id, p.status, p.base_version, p.waiting_for | join(', '), p.blocked_by | join(', ')]) -%}{%- endfor -%}
    {%- do lines.append('\nopen proposals:\n' ~ (tessera.format_table(['proposal', 'status', 'base', 'waiting for', 'blocked by'], prows) if prows else '  none')) -%}
    {%- do log('tessera: ' ~ lines | join('\n'), info=true) -%}
{% endmacro %}
