{#- dbt run-operation tessera.import_registry --args '{tables: {...}, begin: true, commit: true, details: {...}}'
    The write side of `tessera import` (which validates the file, checks the registry is empty
    or finds the rows a merge adds, and sends the rows in batches). tables: {table: {columns:
    [names], rows: [[values]]}} with timestamps as ISO-8601 UTC text. begin: start a new
    import (empty staging tables next to the registry tables); rows are then staged, batch by
    batch; commit: move every staged row into the registry tables and append one audit event
    (registry_imported, with details) in ONE transaction, then drop the staging tables. An
    import that stops before commit has written nothing to the registry. -#}
{% macro import_registry(tables=none, begin=none, commit=none, details=none) %}
    {%- set op = 'import_registry' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['tables', 'begin', 'commit', 'details']) -%}
    {%- set tables = {} if tables is none or tables is undefined else tables -%}
    {%- if tables is not mapping -%}
        {%- do tessera.refuse(op, 'tables', tables, 'is not allowed', 'a mapping of registry table names to {columns, rows}') -%}
    {%- endif -%}
    {%- set details = {} if details is none or details is undefined else details -%}
    {%- if details is not mapping -%}
        {%- do tessera.refuse(op, 'details', details, 'is not allowed', 'a mapping') -%}
    {%- endif -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set specs = {} -%}
    {%- for spec in tessera.registry_tables() -%}{%- do specs.update({spec.name: spec}) -%}{%- endfor -%}
    {#- Validate every batch before writing any of it. -#}
    {%- set staged = [] -%}
    {%- for name, data in tables.items() -%}
        {%- if name not in specs -%}
            {%- do tessera.refuse(op, 'tables', name, 'is not a registry table', specs.keys() | list | join(', ')) -%}
        {%- endif -%}
        {%- set spec = specs[name] -%}
        {%- set known = spec.columns | map(attribute=0) | list -%}
        {%- set columns = data.get('columns') if data is mapping else none -%}
        {%- set rows = data.get('rows') if data is mapping else none -%}
        {%- if columns is none or columns is string or columns is not iterable or columns | reject('in', known) | list | length > 0 -%}
            {%- do tessera.refuse(op, 'tables.' ~ name ~ '.columns', columns, 'is not allowed', 'columns of ' ~ name ~ ': ' ~ known | join(', ')) -%}
        {%- endif -%}
        {%- if rows is none or rows is string or rows is mapping or rows is not iterable -%}
            {%- do tessera.refuse(op, 'tables.' ~ name ~ '.rows', rows, 'is not allowed', 'a list of rows') -%}
        {%- endif -%}
        {%- set kinds = [] -%}
        {%- for column in columns -%}{%- do kinds.append(spec.columns[known.index(column)][1]) -%}{%- endfor -%}
        {%- set values = [] -%}
        {%- for row in rows -%}
            {%- if row is string or row is mapping or row is not iterable or row | length != columns | length -%}
                {%- do tessera.refuse(op, 'tables.' ~ name ~ '.rows[' ~ loop.index0 ~ ']', row, 'is not allowed', 'a list of ' ~ columns | length ~ ' values') -%}
            {%- endif -%}
            {%- for value in row -%}
                {%- if value is not none and kinds[loop.index0] == 'timestamp' -%}
                    {%- do values.append(modules.datetime.datetime.strptime(value, '%Y-%m-%dT%H:%M:%S.%fZ')) -%}
                {%- else -%}
                    {%- do values.append(value) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- do staged.append({'table': name, 'columns': columns, 'values': values}) -%}
    {%- endfor -%}
    {%- if begin -%}
        {%- set ddl = [] -%}
        {%- for name in specs -%}
            {%- do ddl.append('drop table if exists ' ~ tessera.registry_relation(tessera._staging_table(name))) -%}
            {%- do ddl.append('create table ' ~ tessera.registry_relation(tessera._staging_table(name)) ~ ' as select * from ' ~ tessera.registry_relation(name) ~ ' where 1 = 0') -%}
        {%- endfor -%}
        {%- do tessera.run_writes(ddl, lock=false) -%}
    {%- endif -%}
    {#- Rows reach SQL as bind parameters (like dbt's seeds), never as literals: an import
        moves every kind of text there is, and binding costs no quoting per value. -#}
    {%- set mark = get_binding_char() -%}
    {%- set wrote = [] -%}
    {%- for item in staged if item['values'] | length > 0 -%}
        {%- set width = item.columns | length -%}
        {%- set placeholder = '(' ~ ([mark] * width) | join(', ') ~ ')' -%}
        {%- set per_statement = [1, (30000 / width) | int] | max -%}
        {%- for chunk in item['values'] | batch(per_statement * width) -%}
            {%- set sql = 'insert into ' ~ tessera.registry_relation(tessera._staging_table(item.table)) ~ ' (' ~ item.columns | join(', ') ~ ') values ' ~ ([placeholder] * ((chunk | length) // width)) | join(', ') -%}
            {%- do adapter.add_query(sql, bindings=chunk, abridge_sql_log=true) -%}
            {%- do wrote.append(1) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if wrote -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
    {%- if commit -%}
        {%- set moves = [] -%}
        {%- for name, spec in specs.items() -%}
            {%- set columns = spec.columns | map(attribute=0) | join(', ') -%}
            {%- do moves.append('insert into ' ~ tessera.registry_relation(name) ~ ' (' ~ columns ~ ') select ' ~ columns ~ ' from ' ~ tessera.registry_relation(tessera._staging_table(name))) -%}
        {%- endfor -%}
        {%- do moves.extend(tessera.insert_rows('tessera_audit_log', [tessera.audit_row('registry_imported', 'registry', tessera.registry_relation() | string, details)])) -%}
        {%- do tessera.run_writes(moves) -%}
        {%- set drops = [] -%}
        {%- for name in specs -%}
            {%- do drops.append('drop table if exists ' ~ tessera.registry_relation(tessera._staging_table(name))) -%}
        {%- endfor -%}
        {%- do tessera.run_writes(drops, lock=false) -%}
        {%- do log('tessera: imported into ' ~ tessera.registry_relation() ~ ': ' ~ tojson(details.get('rows', {}), sort_keys=true), info=true) -%}
    {%- endif -%}
{% endmacro %}

{#- The staging table of a registry table during an import. -#}
{% macro _staging_table(name) %}
    {{ return(name ~ '__import') }}
{% endmacro %}
