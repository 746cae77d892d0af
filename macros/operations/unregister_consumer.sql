{#- dbt run-operation tessera.unregister_consumer --args '{model: orders, team: growth}'
    Ends a team's manual registration (exposure and ref registrations follow the project).
    model may also name an asset that has left the project (by its unique_id). -#}
{% macro unregister_consumer(model=none, team=none, note=none) %}
    {%- set op = 'unregister_consumer' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'team', 'note']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set team = tessera.arg_string(op, 'team', team) -%}
    {%- set note = tessera.arg_string(op, 'note', note, required=false, allow_blank=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- do tessera.find_team(op, 'team', team, allow_deleted=true) -%}
    {%- set asset_id = asset.asset_id -%}
    {%- set registrations = tessera.registry_relation('tessera_registrations') -%}
    {#- On a versioned model a manual registration is on the model (the unique_id without the
        version); derived ones are on the version dbt resolved. -#}
    {%- set model_id = asset_id.split('.')[:3] | join('.') if asset_id.startswith('model.') else asset_id -%}
    {%- set ids = [tessera.quote_literal(asset_id)] -%}
    {%- if model_id != asset_id -%}{%- do ids.append(tessera.quote_literal(model_id)) -%}{%- endif -%}
    {%- set rows = tessera.run_select('select asset_id, source, source_ref from ' ~ registrations ~ ' where deleted_at is null and asset_id in (' ~ ids | join(', ') ~ ') and team = ' ~ tessera.quote_literal(team)) -%}
    {%- set sources = rows | map(attribute='source') | list -%}
    {%- set manual = rows | selectattr('source', 'equalto', 'manual') | list -%}
    {#- Both a pinned (on the version) and an unpinned (on the model) one: the way model names it. -#}
    {%- set named = asset_id if (model == asset_id or (asset.version is not none and model.endswith('.v' ~ asset.version))) else model_id -%}
    {%- set preferred = manual | selectattr('asset_id', 'equalto', named) | list -%}
    {%- if preferred | length > 0 -%}{%- set asset_id = named -%}
    {%- elif manual | length > 0 -%}{%- set asset_id = manual[0].asset_id -%}{%- endif -%}
    {%- if 'manual' not in sources -%}
        {%- if sources | length > 0 -%}
            {%- do tessera.refuse(op, 'team', team, 'consumes ' ~ asset_id ~ ' through ' ~ sources | join(', ') ~ ', not a manual registration', 'change the exposure or ref in the project instead') -%}
        {%- endif -%}
        {%- do tessera.refuse(op, 'team', team, 'is not a registered consumer of ' ~ asset_id, 'a team registered with tessera.register_consumer') -%}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- do tessera.authorize(op, actor, 'member', team, 'asset', asset_id) -%}
    {%- set now = tessera.utc_now() -%}
    {%- set statements = ['update ' ~ registrations ~ ' set deleted_at = ' ~ tessera.quote_literal(now) ~ ', deleted_by = ' ~ tessera.quote_literal(actor)
        ~ ', updated_at = ' ~ tessera.quote_literal(now) ~ ' where asset_id = ' ~ tessera.quote_literal(asset_id) ~ ' and team = ' ~ tessera.quote_literal(team) ~ " and source = 'manual'"] -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [tessera.audit_row('consumer_unregistered', 'asset', asset_id, {'team': team, 'note': note}, actor, now)])) -%}
    {%- do tessera.run_writes(statements) -%}
    {%- set remaining = [] -%}
    {%- for row in rows if row.source != 'manual' -%}
        {%- do remaining.append(row.source ~ ' registration' ~ ((' (' ~ row.source_ref ~ ')') if row.source_ref else '')) -%}
    {%- endfor -%}
    {%- if remaining -%}
        {%- do log('tessera: removed team ' ~ tojson(team) ~ "'s manual registration on " ~ asset_id ~ '; it still consumes it through ' ~ remaining | join(', ') ~ ' (those follow the project)', info=true) -%}
    {%- else -%}
        {%- do log('tessera: team ' ~ tojson(team) ~ ' no longer consumes ' ~ asset_id, info=true) -%}
    {%- endif -%}
{% endmacro %}
