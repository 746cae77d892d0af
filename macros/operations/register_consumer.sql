{#- dbt run-operation tessera.register_consumer --args '{model: orders, team: growth,
    columns: [order_id, status], pinned_major: 1, version: 2, note: "weekly report"}'
    Registers (or updates) a team as a consumer of an asset, and adds it to the open
    proposals of that asset it is affected by. On a versioned model the registration is on
    the model and follows its latest_version, unless `version` (or `model: name.vN`) pins
    one dbt version (then it is on that version's asset). -#}
{% macro register_consumer(model=none, team=none, columns=none, pinned_major=none, version=none, note=none) %}
    {%- set op = 'register_consumer' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'team', 'columns', 'pinned_major', 'note', 'version']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set team = tessera.arg_string(op, 'team', team) -%}
    {%- set columns = tessera.arg_string_list(op, 'columns', columns) -%}
    {%- set pinned_major = tessera.arg_integer(op, 'pinned_major', pinned_major, minimum=1) -%}
    {%- set note = tessera.arg_string(op, 'note', note, required=false, allow_blank=true) -%}
    {%- if version is integer and version is not boolean -%}{%- set version = version | string -%}{%- endif -%}
    {%- set version = tessera.arg_string(op, 'version', version, required=false) -%}
    {%- if version is not none and version.startswith('v') -%}{%- set version = version[1:] -%}{%- endif -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {#- From a consumer project, an upstream asset the registry knows works too. -#}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- set model_version = none -%}
    {%- if version is not none -%}
        {%- if asset.version is none -%}
            {%- do tessera.refuse(op, 'version', version, 'is not allowed: ' ~ asset.asset_id ~ ' is not a versioned model', 'no version for a model without dbt versions') -%}
        {%- endif -%}
        {%- set asset = tessera.find_model(op, 'version', model ~ '.v' ~ version) -%}
        {%- set model_version = version -%}
    {%- elif asset.version is not none and (model == asset.asset_id or model.endswith('.v' ~ asset.version)) -%}
        {%- set model_version = asset.version | string -%}
    {%- endif -%}
    {#- On a versioned model an unpinned registration is on the model (the unique_id without the
        version) and follows its latest_version; a pinned one is on that version. -#}
    {%- set registration_id = asset.asset_id if (asset.version is none or model_version is not none) else (asset.asset_id.split('.')[:3] | join('.')) -%}
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
    {%- set where = ' where asset_id = ' ~ tessera.quote_literal(registration_id) ~ ' and team = ' ~ tessera.quote_literal(team) ~ " and source = 'manual'" -%}
    {%- set existing = tessera.run_select('select deleted_at from ' ~ registrations ~ where) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set columns_json = tojson(columns) if columns is not none else none -%}
    {%- if existing | length == 0 -%}
        {%- set statements = tessera.insert_rows('tessera_registrations', [{
            'asset_id': registration_id, 'team': team, 'source': 'manual', 'columns_json': columns_json,
            'pinned_major': pinned_major, 'note': note, 'created_at': now, 'created_by': actor,
            'updated_at': now, 'model_version': model_version}]) -%}
        {%- set action = 'consumer_registered' -%}
    {%- else -%}
        {%- set statements = ['update ' ~ registrations ~ ' set columns_json = ' ~ tessera.quote_literal(columns_json)
            ~ ', pinned_major = ' ~ tessera.quote_literal(pinned_major) ~ ', note = ' ~ tessera.quote_literal(note)
            ~ ', model_version = ' ~ tessera.quote_literal(model_version)
            ~ ', deleted_at = null, deleted_by = null, updated_at = ' ~ tessera.quote_literal(now) ~ where] -%}
        {%- set action = 'consumer_registered' if existing[0].deleted_at is not none else 'consumer_registration_updated' -%}
    {%- endif -%}
    {%- set audit = [tessera.audit_row(action, 'asset', registration_id, {'team': team, 'columns': columns, 'pinned_major': pinned_major, 'version': model_version, 'note': note}, actor, now)] -%}
    {#- A team that registers later joins the open proposals it is affected by. -#}
    {%- set proposals = tessera.registry_relation('tessera_proposals') -%}
    {%- set proposal_teams = tessera.registry_relation('tessera_proposal_teams') -%}
    {%- set open = tessera.run_select('select p.proposal_id, p.status, p.base_version, p.changes_json from ' ~ proposals ~ ' as p where p.asset_id = ' ~ tessera.quote_literal(asset_id)
        ~ ' and p.status in ' ~ tessera.sql_in(tessera.vocabulary().statuses.open) ~ ' and not exists (select 1 from ' ~ proposal_teams ~ ' as pt where pt.proposal_id = p.proposal_id and pt.team = ' ~ tessera.quote_literal(team) ~ ')') -%}
    {%- set joined = [] -%}
    {%- for proposal in open -%}
        {%- set reason = tessera.registration_affected_by(proposal.changes_json, proposal.base_version, columns, pinned_major, tessera.vocabulary().sources.manual, team, owner) -%}
        {%- if reason is not none -%}
            {%- do joined.append(proposal.proposal_id) -%}
            {%- do statements.extend(tessera.insert_rows('tessera_proposal_teams', [{'proposal_id': proposal.proposal_id, 'team': team, 'reason': reason, 'added_at': now}])) -%}
            {#- An approved proposal waits again (audited as proposal_team_added below). -#}
            {%- if proposal.status == 'approved' -%}
                {%- do statements.extend(tessera._set_proposal_status([{'proposal_id': proposal.proposal_id, 'previous_status': proposal.status, 'action': none}],
                    tessera.vocabulary().statuses.initial, actor, now)) -%}
            {%- endif -%}
            {%- do audit.append(tessera.audit_row('proposal_team_added', 'proposal', proposal.proposal_id, {'team': team, 'reason': reason, 'previous_status': proposal.status}, actor, now, loop.index)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- set what = registration_id ~ ((' (pinned to dbt version ' ~ model_version ~ ')') if model_version is not none else ((' (follows its latest version, now ' ~ asset.version ~ ')') if asset.version is not none else '')) -%}
    {%- set recorded = ('columns ' ~ columns | join(', ')) if columns is not none else 'all columns' -%}
    {%- set recorded = recorded ~ ((', major ' ~ pinned_major) if pinned_major is not none else '') -%}
    {%- do log('tessera: team ' ~ tojson(team) ~ ' consumes ' ~ what ~ ': ' ~ recorded ~ ((' and now answers ' ~ joined | join(', ')) if joined else ''), info=true) -%}
{% endmacro %}
