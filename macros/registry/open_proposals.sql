{#- Open proposals (dicts keyed by the columns of tessera_proposals: asset_id, fingerprint,
    base_version, and optionally proposal_id, model_name, next_version, changes_json,
    schema_json, guarantees_json (JSON as text), status (default: the vocabulary's initial
    status), created_by, deadline (ISO date), teams: [{team, reason}]; see
    tessera_dbt.core.records.ProposalWrite). A missing proposal_id becomes
    "<model_name>-<6 hex>". Writes tessera_proposals, tessera_proposal_teams and one audit
    row each (proposal_opened) in one transaction. Returns the proposal ids, in order.
    Concurrent builds proposing the same change compute the same proposal_id: under the
    registry lock, an id that already exists is reused (its teams are merged), not written
    again. -#}
{% macro open_proposals(rows) %}
    {%- if rows | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set lock_sql = tessera.lock_registry() -%}
    {%- if lock_sql -%}
        {%- call statement('tessera_proposals_lock', fetch_result=false, auto_begin=true) -%}{{ lock_sql }}{%- endcall -%}
    {%- endif -%}
    {%- set given = [] -%}
    {%- for row in rows if row.get('proposal_id') -%}{%- do given.append(tessera.quote_literal(row.get('proposal_id'))) -%}{%- endfor -%}
    {%- set existing = [] -%}
    {%- if given -%}
        {%- set existing = tessera.run_select('select proposal_id from ' ~ tessera.registry_relation('tessera_proposals') ~ ' where proposal_id in (' ~ given | join(', ') ~ ')') | map(attribute='proposal_id') | list -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set proposals = [] -%}
    {%- set teams = [] -%}
    {%- set audit = [] -%}
    {%- set ids = [] -%}
    {%- for row in rows -%}
        {%- set pid = row.get('proposal_id') -%}
        {%- if not pid -%}
            {%- set stem = row.get('model_name') or (row['asset_id'] | string).split('.')[-1] -%}
            {%- set pid = stem ~ '-' ~ local_md5(row['asset_id'] ~ '|' ~ row.get('fingerprint') ~ '|' ~ invocation_id ~ '|' ~ now.isoformat() ~ '|' ~ loop.index)[:6] -%}
        {%- endif -%}
        {%- do ids.append(pid) -%}
        {%- set status = row.get('status') or tessera.vocabulary().statuses.initial -%}
        {%- if pid not in existing -%}
        {%- do proposals.append({
            'proposal_id': pid, 'asset_id': row['asset_id'], 'status': status,
            'base_version': row.get('base_version'), 'next_version': row.get('next_version'), 'fingerprint': row.get('fingerprint'),
            'changes_json': row.get('changes_json'), 'schema_json': row.get('schema_json'),
            'guarantees_json': row.get('guarantees_json'), 'created_at': now,
            'created_by': row.get('created_by') or actor, 'invocation_id': invocation_id, 'updated_at': now,
            'resolved_at': none, 'resolved_by': none, 'resolution_note': none, 'deadline': row.get('deadline')}) -%}
        {%- endif -%}
        {%- set affected = [] -%}
        {%- for t in row.get('teams') or [] -%}
            {%- set team = t if t is string else t.get('team') -%}
            {%- if team not in affected -%}
                {%- do affected.append(team) -%}
                {%- do teams.append({'proposal_id': pid, 'team': team, 'reason': none if t is string else t.get('reason'), 'added_at': now}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if pid not in existing -%}
        {%- do audit.append(tessera.audit_row('proposal_opened', 'proposal', pid, {
            'asset_id': row['asset_id'], 'base_version': row.get('base_version'), 'next_version': row.get('next_version'),
            'fingerprint': row.get('fingerprint'), 'status': status, 'teams': affected}, actor, now, loop.index)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set statements = tessera.insert_rows('tessera_proposals', proposals) -%}
    {%- do statements.extend(tessera.upsert_rows('tessera_proposal_teams', teams, ['proposal_id', 'team'])) -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements, lock=false) -%}
    {%- do adapter.commit() if lock_sql and statements | length == 0 -%}
    {{ return(ids) }}
{% endmacro %}
