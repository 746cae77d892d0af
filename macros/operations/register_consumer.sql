{#- dbt run-operation tessera.register_consumer --args '{model: orders, team: growth,
    columns: [order_id, status], pinned_major: 1, note: "weekly report"}'
    Registers (or updates) a team as a consumer of an asset, and adds it to the open
    proposals of that asset it is affected by. -#}
{% macro register_consumer(model=none, team=none, columns=none, pinned_major=none, note=none) %}
    {%- set op = 'register_consumer' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'team', 'columns', 'pinned_major', 'note']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set team = tessera.arg_string(op, 'team', team) -%}
    {%- set columns = tessera.arg_string_list(op, 'columns', columns) -%}
    {%- set pinned_major = tessera.arg_integer(op, 'pinned_major', pinned_major, minimum=1) -%}
    {%- set note = tessera.arg_string(op, 'note', note, required=false, allow_blank=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set asset = tessera.find_model(op, 'model', model) -%}
    {%- do tessera.ensure_registry() -%}
    {%- do tessera.find_team(op, 'team', team) -%}
    {%- set asset_id = asset.asset_id -%}
    {%- set rows = tessera.run_select('select owner_team from ' ~ tessera.registry_relation('tessera_assets') ~ ' where asset_id = ' ~ tessera.quote_literal(asset_id)) -%}
    {%- set owner = rows[0].owner_team if rows | length > 0 and rows[0].owner_team is not none else asset.owner -%}
    {%- if owner is not none and owner == team -%}
        {%- do tessera.refuse(op, 'team', team, 'owns ' ~ asset_id, 'a team other than the owner (the owner never has to answer)') -%}
    {%- endif -%}
    {%- if columns is not none -%}
        {%- set known = asset.columns | list -%}
        {%- set latest = tessera.run_select('select schema_json from ' ~ tessera.registry_relation('tessera_contracts') ~ ' where asset_id = ' ~ tessera.quote_literal(asset_id) ~ ' order by major desc, minor desc, patch desc limit 1') -%}
        {%- if latest | length > 0 and latest[0].schema_json -%}
            {%- set props = (fromjson(latest[0].schema_json) or {}).get('properties') or {} -%}
            {%- for name in props.keys() if name not in known -%}{%- do known.append(name) -%}{%- endfor -%}
        {%- endif -%}
        {%- if known | length > 0 -%}
            {%- for column in columns if column not in known -%}
                {%- do tessera.refuse(op, 'columns', column, 'is not a column of ' ~ asset_id, known | join(', ')) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'member', team, 'asset', asset_id) -%}
    {%- set registrations = tessera.registry_relation('tessera_registrations') -%}
    {%- set where = ' where asset_id = ' ~ tessera.quote_literal(asset_id) ~ ' and team = ' ~ tessera.quote_literal(team) ~ " and source = 'manual'" -%}
    {%- set existing = tessera.run_select('select deleted_at from ' ~ registrations ~ where) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set columns_json = tojson(columns) if columns is not none else none -%}
    {%- if existing | length == 0 -%}
        {%- set statements = tessera.insert_rows('tessera_registrations', [{
            'asset_id': asset_id, 'team': team, 'source': 'manual', 'columns_json': columns_json,
            'pinned_major': pinned_major, 'note': note, 'created_at': now, 'created_by': actor,
            'updated_at': now}]) -%}
        {%- set action = 'consumer_registered' -%}
    {%- else -%}
        {%- set statements = ['update ' ~ registrations ~ ' set columns_json = ' ~ tessera.quote_literal(columns_json)
            ~ ', pinned_major = ' ~ tessera.quote_literal(pinned_major) ~ ', note = ' ~ tessera.quote_literal(note)
            ~ ', deleted_at = null, deleted_by = null, updated_at = ' ~ tessera.quote_literal(now) ~ where] -%}
        {%- set action = 'consumer_registered' if existing[0].deleted_at is not none else 'consumer_registration_updated' -%}
    {%- endif -%}
    {%- set audit = [tessera.audit_row(action, 'asset', asset_id, {'team': team, 'columns': columns, 'pinned_major': pinned_major, 'note': note}, actor, now)] -%}
    {#- A team that registers later joins the open proposals it is affected by. -#}
    {%- set proposals = tessera.registry_relation('tessera_proposals') -%}
    {%- set proposal_teams = tessera.registry_relation('tessera_proposal_teams') -%}
    {%- set open = tessera.run_select('select p.proposal_id, p.status, p.base_version, p.changes_json from ' ~ proposals ~ ' as p where p.asset_id = ' ~ tessera.quote_literal(asset_id)
        ~ " and p.status in ('pending', 'approved', 'rejected') and not exists (select 1 from " ~ proposal_teams ~ ' as pt where pt.proposal_id = p.proposal_id and pt.team = ' ~ tessera.quote_literal(team) ~ ')') -%}
    {%- set joined = [] -%}
    {%- for proposal in open -%}
        {%- set reason = tessera.registration_affected_by(proposal.changes_json, proposal.base_version, columns, pinned_major) -%}
        {%- if reason is not none -%}
            {%- do joined.append(proposal.proposal_id) -%}
            {%- do statements.extend(tessera.insert_rows('tessera_proposal_teams', [{'proposal_id': proposal.proposal_id, 'team': team, 'reason': reason, 'added_at': now}])) -%}
            {%- if proposal.status == 'approved' -%}
                {%- do statements.append('update ' ~ proposals ~ " set status = 'pending', updated_at = " ~ tessera.quote_literal(now) ~ ' where proposal_id = ' ~ tessera.quote_literal(proposal.proposal_id)) -%}
            {%- endif -%}
            {%- do audit.append(tessera.audit_row('proposal_team_added', 'proposal', proposal.proposal_id, {'team': team, 'reason': reason, 'previous_status': proposal.status}, actor, now, loop.index)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- do log('tessera: team ' ~ tojson(team) ~ ' consumes ' ~ asset_id ~ ((' and now answers ' ~ joined | join(', ')) if joined else ''), info=true) -%}
{% endmacro %}
