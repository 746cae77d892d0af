{#- Bring the registrations a project implies (exposures and refs: source 'exposure'/'ref',
    see tessera_dbt.core.consumers) in line with the full desired set, in one transaction:
      - new ones are inserted (audit consumer_registered), their teams created when missing
        (audit team_created), and the team joins the open proposals of the asset it is
        affected by (audit proposal_team_added; an 'approved' proposal goes back to pending);
      - changed ones (columns, source_ref) are updated (audit consumer_registration_updated);
      - derived ones this project implied that are no longer implied are soft-deleted
        (deleted_at; audit consumer_unregistered) - unless another project still implies them,
        then only this project's unique_ids leave source_ref.
    Manual registrations are never touched. A derived row belongs to the projects named in its
    source_ref (unique_ids "<type>.<project>.<name>", comma-separated).
    registrations: list of {asset_id, team, source, columns (list or none), source_ref (list),
    star_refs (list: the models among source_ref selecting * into an enforced contract)} as
    they are to be stored: the plugin already joined them with what other projects' builds
    recorded on the same rows (tessera_dbt.core.consumers.merged_derived).
    Returns {'registered': [...], 'updated': [...], 'removed': [...], 'joined': [...]}
    ("asset_id team source" strings; joined: "proposal_id team"). -#}
{% macro sync_derived_registrations(project_name, registrations, actor=none) %}
    {%- set out = {'registered': [], 'updated': [], 'removed': [], 'joined': []} -%}
    {%- if not execute or not project_name -%}{{ return(out) }}{%- endif -%}
    {%- set q = tessera.quote_literal -%}
    {%- set rel = tessera.registry_relation('tessera_registrations') -%}
    {%- set teams = [] -%}
    {%- for r in registrations if r.team not in teams -%}{%- do teams.append(r.team) -%}{%- endfor -%}
    {%- do tessera.ensure_teams(teams, actor=actor, reason='consumer through an exposure or a ref') -%}
    {%- set existing = {} -%}
    {%- for row in tessera.run_select('select asset_id, team, source, columns_json, source_ref, star_refs, deleted_at from ' ~ rel ~ ' where source in ' ~ tessera.sql_in(tessera.vocabulary().sources.derived)) -%}
        {%- do existing.update({tojson([row.asset_id, row.team, row.source]): row}) -%}
    {%- endfor -%}
    {%- set actor = actor if actor is not none else tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = [] -%}
    {%- set audit = [] -%}
    {%- set inserts = [] -%}
    {%- set touched = [] -%}
    {%- set wanted = [] -%}
    {%- for r in registrations -%}
        {%- set key = tojson([r.asset_id, r.team, r.source]) -%}
        {%- do wanted.append(key) -%}
        {%- set refs = (r.source_ref or []) | list -%}
        {%- set columns = (r.columns | list) if r.columns is not none else none -%}
        {%- set stars = (r.get('star_refs') or []) | list -%}
        {%- set e = existing.get(key) -%}
        {%- set where = ' where asset_id = ' ~ q(r.asset_id) ~ ' and team = ' ~ q(r.team) ~ ' and source = ' ~ q(r.source) -%}
        {%- set columns_json = tojson(columns) if columns is not none else none -%}
        {%- set source_ref = refs | join(',') -%}
        {%- set star_refs = (stars | unique | sort | join(',')) or none -%}
        {%- set details = {'team': r.team, 'source': r.source, 'source_ref': source_ref, 'columns': columns} -%}
        {%- if e is none -%}
            {%- do inserts.append({'asset_id': r.asset_id, 'team': r.team, 'source': r.source, 'columns_json': columns_json,
                'pinned_major': none, 'note': none, 'source_ref': source_ref, 'created_at': now, 'created_by': actor, 'updated_at': now,
                'star_refs': star_refs}) -%}
            {%- do audit.append(tessera.audit_row('consumer_registered', 'asset', r.asset_id, details, actor, now, audit | length)) -%}
            {%- do out.registered.append(r.asset_id ~ ' ' ~ r.team ~ ' ' ~ r.source) -%}
            {%- do touched.append({'asset_id': r.asset_id, 'team': r.team, 'source': r.source, 'columns': columns}) -%}
        {%- elif e.deleted_at is not none or e.columns_json != columns_json or e.source_ref != source_ref or (e.star_refs or none) != star_refs -%}
            {%- do statements.append('update ' ~ rel ~ ' set columns_json = ' ~ q(columns_json) ~ ', source_ref = ' ~ q(source_ref) ~ ', star_refs = ' ~ q(star_refs)
                ~ ', deleted_at = null, deleted_by = null, updated_at = ' ~ q(now) ~ where) -%}
            {%- set action = 'consumer_registered' if e.deleted_at is not none else 'consumer_registration_updated' -%}
            {%- do audit.append(tessera.audit_row(action, 'asset', r.asset_id, details, actor, now, audit | length)) -%}
            {%- do (out.registered if e.deleted_at is not none else out.updated).append(r.asset_id ~ ' ' ~ r.team ~ ' ' ~ r.source) -%}
            {%- if e.deleted_at is not none or e.columns_json != columns_json -%}
                {%- do touched.append({'asset_id': r.asset_id, 'team': r.team, 'source': r.source, 'columns': columns}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {#- Derived rows this project implied and no longer does. -#}
    {%- for key, e in existing.items() if e.deleted_at is none and key not in wanted -%}
        {%- set mine = [] -%}
        {%- set others = [] -%}
        {%- for ref in (e.source_ref or '').split(',') if ref | trim -%}
            {%- do (mine if (ref | trim).split('.')[1:2] == [project_name] else others).append(ref | trim) -%}
        {%- endfor -%}
        {%- if mine -%}
            {%- set where = ' where asset_id = ' ~ q(e.asset_id) ~ ' and team = ' ~ q(e.team) ~ ' and source = ' ~ q(e.source) -%}
            {%- set details = {'team': e.team, 'source': e.source, 'source_ref': e.source_ref, 'reason': 'the ' ~ e.source ~ ' that implied it is gone: ' ~ mine | join(', ')} -%}
            {%- if others -%}
                {%- do statements.append('update ' ~ rel ~ ' set source_ref = ' ~ q(others | join(',')) ~ ', updated_at = ' ~ q(now) ~ where) -%}
                {%- do audit.append(tessera.audit_row('consumer_registration_updated', 'asset', e.asset_id, details, actor, now, audit | length)) -%}
                {%- do out.updated.append(e.asset_id ~ ' ' ~ e.team ~ ' ' ~ e.source) -%}
            {%- else -%}
                {%- do statements.append('update ' ~ rel ~ ' set deleted_at = ' ~ q(now) ~ ', deleted_by = ' ~ q(actor) ~ ', updated_at = ' ~ q(now) ~ where) -%}
                {%- do audit.append(tessera.audit_row('consumer_unregistered', 'asset', e.asset_id, details, actor, now, audit | length)) -%}
                {%- do out.removed.append(e.asset_id ~ ' ' ~ e.team ~ ' ' ~ e.source) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {#- New consumers join the open proposals of their asset they are affected by. -#}
    {%- if touched -%}
        {%- set ids = [] -%}
        {%- for t in touched if q(t.asset_id) not in ids -%}{%- do ids.append(q(t.asset_id)) -%}{%- endfor -%}
        {%- set p_rel = tessera.registry_relation('tessera_proposals') -%}
        {%- set open = tessera.run_select('select proposal_id, asset_id, status, base_version, changes_json from ' ~ p_rel
            ~ ' where status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.open) ~ ' and asset_id in (' ~ ids | join(', ') ~ ') order by created_at, proposal_id') -%}
        {%- if open -%}
            {%- set p_ids = [] -%}
            {%- for p in open -%}{%- do p_ids.append(q(p.proposal_id)) -%}{%- endfor -%}
            {%- set answering = [] -%}
            {%- for row in tessera.run_select('select proposal_id, team from ' ~ tessera.registry_relation('tessera_proposal_teams') ~ ' where proposal_id in (' ~ p_ids | join(', ') ~ ')') -%}
                {%- do answering.append(tojson([row.proposal_id, row.team])) -%}
            {%- endfor -%}
            {%- set reopened = [] -%}
            {%- for t in touched -%}
                {%- for p in open if p.asset_id == t.asset_id and tojson([p.proposal_id, t.team]) not in answering -%}
                    {%- set reason = tessera.registration_affected_by(p.changes_json, p.base_version, t.columns, none, t.source, t.team) -%}
                    {%- if reason is not none -%}
                        {%- do answering.append(tojson([p.proposal_id, t.team])) -%}
                        {%- do statements.extend(tessera.insert_rows('tessera_proposal_teams', [{'proposal_id': p.proposal_id, 'team': t.team, 'reason': reason, 'added_at': now}])) -%}
                        {#- An approved proposal waits again (audited as proposal_team_added below). -#}
                        {%- if p.status == 'approved' and p.proposal_id not in reopened -%}
                            {%- do reopened.append(p.proposal_id) -%}
                            {%- do statements.extend(tessera._set_proposal_status([{'proposal_id': p.proposal_id, 'previous_status': p.status, 'action': none}],
                                tessera.vocabulary().statuses.initial, actor, now)) -%}
                        {%- endif -%}
                        {%- do audit.append(tessera.audit_row('proposal_team_added', 'proposal', p.proposal_id, {'team': t.team, 'reason': reason, 'previous_status': p.status}, actor, now, audit | length)) -%}
                        {%- do out.joined.append(p.proposal_id ~ ' ' ~ t.team) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {#- A concurrent build of the same project may have inserted the row meanwhile: skip it. -#}
    {%- do statements.extend(tessera.upsert_rows('tessera_registrations', inserts, ['asset_id', 'team', 'source'])) -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {{ return(out) }}
{% endmacro %}
