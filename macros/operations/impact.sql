{#- dbt run-operation tessera.impact --args '{model: orders, format: json}'
    Who a change to an asset reaches:
      - consumers: the asset's registrations (team, source, columns, pinned major), plus the
        teams of this project's exposures on it that the next gated build will register;
      - downstream: every node downstream of the model in this project's graph (transitively),
        with its owner team (models: meta.tessera.owner, else the group's owner, else
        tessera_default_owner; exposures: meta.tessera.team, else owner.name) and depth;
      - exposures: the exposures among them;
      - change: when the project changes the contract now (this invocation's evaluation) or a
        proposal is open, the breaking changes, which consumers they affect and why, and
        which they do not affect and why.
    format: text (tables in the log) or json (one document on stdout). -#}
{% macro impact(model=none, format=none) %}
    {%- set op = 'impact' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'format']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set q = tessera.quote_literal -%}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- set asset_id = asset.asset_id -%}
    {%- set rows = tessera.run_select('select owner_team from ' ~ tessera.registry_relation('tessera_assets') ~ ' where asset_id = ' ~ q(asset_id)) -%}
    {%- set owner = rows[0].owner_team if rows | length > 0 and rows[0].owner_team is not none else asset.owner -%}

    {#- Downstream nodes, breadth first, from the project's graph. -#}
    {%- set groups = {} -%}
    {%- for g in (graph.get('groups') or {}).values() -%}{%- do groups.update({g.name: g.name}) -%}{%- endfor -%}
    {%- set everything = {} -%}
    {%- set children = {} -%}
    {%- for node in (graph.nodes.values() | list) + (graph.exposures.values() | list) if node.resource_type != 'test' -%}
        {%- do everything.update({node.unique_id: node}) -%}
        {%- for parent in (node.depends_on.nodes if node.depends_on is defined and node.depends_on else []) -%}
            {%- if parent not in children -%}{%- do children.update({parent: []}) -%}{%- endif -%}
            {%- do children[parent].append(node.unique_id) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set downstream = [] -%}
    {%- set seen = [asset_id] -%}
    {%- set frontier = [{'uid': asset_id, 'depth': 0}] -%}
    {%- for _ in range(everything | length + 1) if frontier | length > 0 -%}
        {%- set item = frontier.pop(0) -%}
        {%- for child in (children.get(item.uid) or []) | sort if child not in seen -%}
            {%- do seen.append(child) -%}
            {%- set node = everything[child] -%}
            {%- set spec = tessera.node_meta(node, 'tessera').value -%}
            {%- set spec = spec if spec is mapping else {} -%}
            {%- if node.resource_type == 'exposure' -%}
                {%- set team = spec.get('team') or (node.owner.name if node.owner else none) or (node.owner.email if node.owner else none) -%}
            {%- elif node.resource_type == 'model' -%}
                {%- set group = node.config.get('group') or node.get('group') -%}
                {%- set team = spec.get('owner') or groups.get(group) or tessera.get_config_var('tessera_default_owner') -%}
            {%- else -%}
                {%- set team = none -%}
            {%- endif -%}
            {%- set version = node.get('version') if node.resource_type == 'model' else none -%}
            {%- do downstream.append({'unique_id': child, 'resource_type': node.resource_type, 'name': node.name ~ (('.v' ~ version) if version is not none else ''),
                'package_name': node.package_name, 'owner': team, 'depth': item.depth + 1, 'via': item.uid,
                'type': node.type if node.resource_type == 'exposure' else none,
                'url': node.url if node.resource_type == 'exposure' else none}) -%}
            {%- do frontier.append({'uid': child, 'depth': item.depth + 1}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set exposures = [] -%}
    {%- for d in downstream if d.resource_type == 'exposure' -%}
        {%- do exposures.append({'unique_id': d.unique_id, 'name': d.name, 'type': d.type, 'team': d.owner, 'url': d.url, 'direct': d.depth == 1}) -%}
    {%- endfor -%}

    {#- Consumers: the registry's registrations, plus exposures not registered yet. -#}
    {%- set consumers = [] -%}
    {%- for r in tessera.run_select('select team, source, columns_json, pinned_major, source_ref, note, created_at from ' ~ tessera.registry_relation('tessera_registrations') ~ ' where deleted_at is null and asset_id = ' ~ q(asset_id) ~ ' order by team, source') -%}
        {%- do consumers.append(tessera.jsonable({'team': r.team, 'source': r.source, 'columns': fromjson(r.columns_json) if r.columns_json else none,
            'pinned_major': r.pinned_major, 'source_ref': r.source_ref, 'note': r.note, 'registered': true, 'created_at': r.created_at})) -%}
    {%- endfor -%}
    {%- for e in exposures if e.direct and e.team and e.team != owner and e.unique_id.split('.')[1] == project_name -%}
        {%- set known = [] -%}
        {%- for c in consumers if c.team == e.team and c.source == 'exposure' -%}{%- do known.append(c) -%}{%- endfor -%}
        {%- if not known -%}
            {%- do consumers.append({'team': e.team, 'source': 'exposure', 'columns': none, 'pinned_major': none, 'source_ref': e.unique_id,
                'note': 'registers on the next gated build (dbt build/run)', 'registered': false, 'created_at': none}) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- The change: this invocation's evaluation of the project, else the open proposals. -#}
    {%- set checks = tessera.run_select('select verdict, changes_json, base_version, next_version, proposal_id from ' ~ tessera.registry_relation('tessera_checks')
        ~ " where row_kind = 'asset' and invocation_id = " ~ q(invocation_id) ~ ' and asset_id = ' ~ q(asset_id)) -%}
    {%- set proposals = tessera.proposal_details("p.status in ('pending', 'approved', 'rejected') and p.asset_id = " ~ q(asset_id)) -%}
    {%- set change = none -%}
    {%- if checks | length > 0 and checks[0].changes_json -%}
        {%- set c = checks[0] -%}
        {%- set change = {'origin': 'project', 'verdict': c.verdict, 'base_version': c.base_version, 'next_version': c.next_version,
            'proposal_id': c.proposal_id, 'changes_json': c.changes_json} -%}
    {%- elif proposals | length > 0 -%}
        {%- set p = proposals[-1] -%}
        {%- set change = {'origin': 'proposal', 'verdict': p.status, 'base_version': p.base_version, 'next_version': p.next_version,
            'proposal_id': p.proposal_id, 'changes_json': tojson(p.changes)} -%}
    {%- endif -%}
    {%- if change is not none -%}
        {%- set changes = fromjson(change.changes_json) or [] -%}
        {%- set breaking = [] -%}
        {%- set touched = [] -%}
        {%- for ch in changes if ch is mapping and ch.get('breaking') -%}
            {%- do breaking.append({'kind': ch.get('kind'), 'column': ch.get('column'), 'message': ch.get('message')}) -%}
            {%- if ch.get('column') and ch.get('column') not in touched -%}{%- do touched.append(ch.get('column')) -%}{%- endif -%}
        {%- endfor -%}
        {%- set answers = {} -%}
        {%- for p in proposals if p.proposal_id == change.proposal_id -%}
            {%- for t in p.teams -%}{%- do answers.update({t.team: t.response}) -%}{%- endfor -%}
        {%- endfor -%}
        {%- set affected = [] -%}
        {%- set not_affected = [] -%}
        {%- for c in consumers -%}
            {%- set reason = tessera.registration_affected_by(change.changes_json, change.base_version, c.columns, c.pinned_major, c.source) if breaking else none -%}
            {%- if c.team == owner -%}
                {%- do not_affected.append({'team': c.team, 'source': c.source, 'why': 'owns the model (the owner never has to answer)'}) -%}
            {%- elif reason is not none -%}
                {%- do affected.append({'team': c.team, 'source': c.source, 'reason': reason, 'response': answers.get(c.team)}) -%}
            {%- elif not breaking -%}
                {%- do not_affected.append({'team': c.team, 'source': c.source, 'why': 'the change is not breaking'}) -%}
            {%- elif c.pinned_major is not none and change.base_version and (change.base_version | string).split('.')[0] != (c.pinned_major | string) -%}
                {%- do not_affected.append({'team': c.team, 'source': c.source, 'why': 'pinned to major ' ~ c.pinned_major ~ '; the change is on ' ~ change.base_version}) -%}
            {%- else -%}
                {%- do not_affected.append({'team': c.team, 'source': c.source, 'why': 'reads ' ~ (c.columns or []) | join(', ') ~ '; the change touches ' ~ (touched | join(', ') or 'no column it reads')}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do change.pop('changes_json') -%}
        {%- do change.update({'breaking_changes': breaking, 'changed_columns': touched, 'affected': affected, 'not_affected': not_affected}) -%}
    {%- endif -%}

    {%- set result = tessera.jsonable({'asset_id': asset_id, 'model': asset.name, 'owner': owner, 'registry': tessera.registry_relation() | string,
        'consumers': consumers, 'downstream': downstream, 'exposures': exposures, 'change': change, 'open_proposals': proposals}) -%}
    {%- if format == 'json' -%}
        {%- do print(tojson(result, sort_keys=true)) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set lines = ['impact of ' ~ asset_id ~ ' (owner: ' ~ (owner or 'none') ~ ')'] -%}
    {%- set crows = [] -%}
    {%- for c in consumers -%}{%- do crows.append([c.team, c.source, (c.columns | join(', ')) if c.columns else 'all', c.pinned_major, c.source_ref, (c.note or '') if c.registered else 'not registered yet']) -%}{%- endfor -%}
    {%- do lines.append('\nconsumers:\n' ~ (tessera.format_table(['team', 'source', 'columns', 'pinned major', 'from', 'note'], crows) if crows else '  none registered')) -%}
    {%- set drows = [] -%}
    {%- for d in downstream -%}{%- do drows.append([d.depth, d.resource_type, d.name, d.owner, d.via]) -%}{%- endfor -%}
    {%- do lines.append('\ndownstream:\n' ~ (tessera.format_table(['depth', 'type', 'name', 'owner', 'via'], drows) if drows else '  nothing')) -%}
    {%- set erows = [] -%}
    {%- for e in exposures -%}{%- do erows.append([e.name, e.type, e.team, 'direct' if e.direct else 'through another model', e.url]) -%}{%- endfor -%}
    {%- do lines.append('\nexposures:\n' ~ (tessera.format_table(['exposure', 'type', 'team', 'depends', 'url'], erows) if erows else '  none')) -%}
    {%- if change is not none -%}
        {%- do lines.append('\nchange (' ~ change.origin ~ ', ' ~ change.verdict ~ ', base ' ~ (change.base_version or 'none') ~ ((', proposal ' ~ change.proposal_id) if change.proposal_id else '') ~ '):') -%}
        {%- for b in change.breaking_changes -%}{%- do lines.append('  - ' ~ b.message) -%}{%- endfor -%}
        {%- set arows = [] -%}
        {%- for a in change.affected -%}{%- do arows.append([a.team, a.source, 'affected', a.reason, a.response or 'no answer']) -%}{%- endfor -%}
        {%- for a in change.not_affected -%}{%- do arows.append([a.team, a.source, 'not affected', a.why, '']) -%}{%- endfor -%}
        {%- if arows -%}{%- do lines.append(tessera.format_table(['team', 'source', 'impact', 'why', 'answer'], arows)) -%}{%- endif -%}
    {%- else -%}
        {%- do lines.append('\nno pending change') -%}
    {%- endif -%}
    {%- do log('tessera: ' ~ lines | join('\n'), info=true) -%}
{% endmacro %}
