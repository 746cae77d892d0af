{#- Create the registry schema and every registry table, and add missing columns to tables
    created by an older layout (migrations only add). Idempotent and cheap when nothing is
    missing (one catalog query). Concurrent callers on PostgreSQL serialize on an advisory
    lock and re-read the catalog under it. Returns {'created': [tables], 'added': [table.column],
    'version': n}. -#}
{% macro ensure_registry() %}
    {%- if not execute -%}{{ return({'created': [], 'added': [], 'version': none}) }}{%- endif -%}
    {%- set plan = tessera._registry_plan() -%}
    {%- set guards = tessera.registry_guards(plan) -%}
    {%- if plan.tables | length == 0 and plan.columns | length == 0 and guards | length == 0 -%}
        {{ return({'created': [], 'added': [], 'version': tessera.registry_schema_version()}) }}
    {%- endif -%}
    {#- Before anything is created: an engine that cannot hold the registry in the format it
        would get (plain Spark tables) is refused here, with nothing written. -#}
    {%- set options = tessera.table_options() if plan.tables else '' -%}
    {%- set lock_sql = tessera.lock_registry('init') -%}
    {%- if lock_sql -%}
        {%- call statement('tessera_init_lock', fetch_result=false, auto_begin=true) -%}{{ lock_sql }}{%- endcall -%}
    {%- endif -%}
    {#- PostgreSQL checks CREATE on the database before it sees that the schema exists: a
        role that owns a schema an administrator created for it (the documented setup) may
        not run `create schema if not exists`. -#}
    {%- if not tessera.registry_schema_exists() -%}
        {%- do adapter.create_schema(tessera.registry_relation()) -%}
    {%- endif -%}
    {%- if lock_sql -%}
        {#- create_schema commits, which ends the transaction and releases the lock: take it
            again, or two callers would both find the tables missing and both create them. -#}
        {%- call statement('tessera_init_relock', fetch_result=false, auto_begin=true) -%}{{ lock_sql }}{%- endcall -%}
    {%- endif -%}
    {%- set plan = tessera._registry_plan() -%}
    {%- set statements = [] -%}
    {%- for spec in plan.tables -%}
        {%- set columns = [] -%}
        {%- for column in spec.columns -%}
            {%- do columns.append(column[0] ~ ' ' ~ tessera._column_type(column[1])) -%}
        {%- endfor -%}
        {%- for key in spec.unique -%}
            {%- do columns.append(tessera.unique_constraint(key)) -%}
        {%- endfor -%}
        {%- do statements.append(('create table if not exists ' ~ tessera.registry_relation(spec.name) ~ ' (\n    ' ~ columns | reject('equalto', '') | join(',\n    ') ~ '\n) ' ~ options) | trim) -%}
    {%- endfor -%}
    {%- for item in plan.columns -%}
        {%- do statements.append(tessera.add_column(tessera.registry_relation(item.table), item.column, tessera._column_type(item.type))) -%}
    {%- endfor -%}
    {%- do statements.extend(tessera.registry_guards(plan)) -%}
    {%- set created = plan.tables | map(attribute='name') | list -%}
    {%- set added = [] -%}
    {%- for item in plan.columns -%}{%- do added.append(item.table ~ '.' ~ item.column) -%}{%- endfor -%}
    {%- set version = tessera.registry_schema_version() -%}
    {%- set details = {'created_tables': created, 'added_columns': added, 'schema_version': version} -%}
    {%- if statements | length > 0 -%}
        {%- set now = tessera.utc_now() -%}
        {%- set actor = tessera.current_actor() -%}
        {%- do statements.extend(tessera.insert_rows('tessera_schema_version', [{
            'version': version, 'applied_at': now, 'applied_by': actor, 'details_json': tojson(details, sort_keys=true)}])) -%}
        {%- set action = 'registry_initialized' if 'tessera_audit_log' in created else 'registry_migrated' -%}
        {%- do statements.extend(tessera.insert_rows('tessera_audit_log', [tessera.audit_row(
            action, 'registry', tessera.registry_relation() | string, details, actor, now)])) -%}
        {%- do tessera.run_statements(statements, 'tessera_init') -%}
    {%- else -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
    {{ return({'created': created, 'added': added, 'version': version}) }}
{% endmacro %}

{#- What is missing: {'tables': [spec], 'columns': [{table, column, type}]} (one catalog query). -#}
{% macro _registry_plan() %}
    {%- set specs = tessera.registry_tables() -%}
    {%- set names = specs | map(attribute='name') | list -%}
    {%- set existing = tessera.registry_catalog(names) -%}
    {%- set tables = [] -%}
    {%- set columns = [] -%}
    {%- for spec in specs -%}
        {%- if spec.name not in existing -%}
            {%- do tables.append(spec) -%}
        {%- else -%}
            {%- for column in spec.columns -%}
                {%- if column[0] not in existing[spec.name] -%}
                    {%- do columns.append({'table': spec.name, 'column': column[0], 'type': column[1]}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'tables': tables, 'columns': columns}) }}
{% endmacro %}

{% macro _column_type(kind) %}
    {%- if kind == 'text' -%}{{ return(tessera.type_text()) }}
    {%- elif kind == 'timestamp' -%}{{ return(tessera.type_timestamp()) }}
    {%- elif kind == 'boolean' -%}{{ return(tessera.type_boolean()) }}
    {%- elif kind == 'integer' -%}{{ return(tessera.type_integer()) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("tessera: unknown column type " ~ kind) }}
{% endmacro %}
