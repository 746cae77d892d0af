{#- Create the registry schema and every registry table, and add missing columns to tables
    created by an older layout (migrations only add). Idempotent and cheap when nothing is
    missing (one catalog query). Concurrent callers on PostgreSQL serialize on an advisory
    lock and re-read the catalog under it. Returns {'created': [tables], 'added': [table.column],
    'version': n}. -#}
{% macro ensure_registry() %}
    {%- if not execute -%}{{ return({'created': [], 'added': [], 'version': none}) }}{%- endif -%}
    {%- set plan = tessera._registry_plan() -%}
    {%- if plan.tables | length == 0 and plan.columns | length == 0 -%}
        {{ return({'created': [], 'added': [], 'version': tessera.registry_schema_version()}) }}
    {%- endif -%}
    {%- set lock_sql = tessera.lock_registry('init') -%}
    {%- if lock_sql -%}
        {%- call statement('tessera_init_lock', fetch_result=false, auto_begin=true) -%}{{ lock_sql }}{%- endcall -%}
    {%- endif -%}
    {%- do adapter.create_schema(tessera.registry_relation()) -%}
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
        {%- do statements.append('create table if not exists ' ~ tessera.registry_relation(spec.name) ~ ' (\n    ' ~ columns | reject('equalto', '') | join(',\n    ') ~ '\n)') -%}
    {%- endfor -%}
    {%- for item in plan.columns -%}
        {%- do statements.append('alter table ' ~ tessera.registry_relation(item.table) ~ ' add column if not exists ' ~ item.column ~ ' ' ~ tessera._column_type(item.type)) -%}
    {%- endfor -%}
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
        {%- call statement('tessera_init', fetch_result=false, auto_begin=true) -%}
            {%- for sql in statements %}
            {{ sql }};
            {%- endfor %}
        {%- endcall -%}
    {%- endif -%}
    {%- do adapter.commit() -%}
    {{ return({'created': created, 'added': added, 'version': version}) }}
{% endmacro %}

{#- What is missing: {'tables': [spec], 'columns': [{table, column, type}]} (one catalog query). -#}
{% macro _registry_plan() %}
    {%- set specs = tessera.registry_tables() -%}
    {%- set relation = tessera.registry_relation() -%}
    {%- set names = specs | map(attribute='name') | list -%}
    {%- set sql -%}
select lower(table_name) as table_name, lower(column_name) as column_name
from information_schema.columns
where lower(table_schema) = lower({{ tessera.quote_literal(relation.schema) }})
  and lower(table_catalog) = lower({{ tessera.quote_literal(relation.database) }})
  and lower(table_name) in ({% for n in names %}{{ tessera.quote_literal(n) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endset -%}
    {%- set existing = {} -%}
    {%- for row in tessera.run_select(sql) -%}
        {%- if row.table_name not in existing -%}{%- do existing.update({row.table_name: []}) -%}{%- endif -%}
        {%- do existing[row.table_name].append(row.column_name) -%}
    {%- endfor -%}
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
