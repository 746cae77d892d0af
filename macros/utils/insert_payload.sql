{#- Insert many rows into a registry table as ONE quoted JSON payload that the warehouse
    unpacks, instead of one quoted literal per value: quoting in Jinja costs several macro
    calls per value, so a few hundred wide rows took seconds; one payload is one call of the
    escaping helper whatever the number of rows. Returns a list of SQL statements (like
    insert_rows), to run in the caller's transaction.

    rows: list of dicts keyed by the table's column names (missing keys are null; dicts and
    lists in text columns are stored as their JSON text, datetimes as timestamps).
    Adapters without a variant, and payloads that the JSON functions cannot carry (text with
    NUL or unpaired surrogates, which the escaping helper refuses with a clear message), use
    the per-value insert_rows. -#}
{% macro insert_payload(table, rows) %}
    {{ return(adapter.dispatch('insert_payload', 'tessera')(table, rows)) }}
{% endmacro %}

{% macro default__insert_payload(table, rows) %}
    {{ return(tessera.insert_rows(table, rows, columns=tessera._payload_columns(table) | map(attribute=0) | list)) }}
{% endmacro %}

{#- DuckDB: json_transform turns the payload into a list of structs with the table's types;
    unnest(recursive) makes each field a column. -#}
{% macro duckdb__insert_payload(table, rows) %}
    {%- if rows | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set columns = tessera._payload_columns(table) -%}
    {%- set payload = tessera._payload_text(rows, columns) -%}
    {%- if payload is none -%}{{ return(tessera.default__insert_payload(table, rows)) }}{%- endif -%}
    {%- set names = columns | map(attribute=0) | list -%}
    {%- set types = {'text': 'VARCHAR', 'boolean': 'BOOLEAN', 'timestamp': 'TIMESTAMP', 'integer': 'BIGINT'} -%}
    {%- set structure = {} -%}
    {%- for name, kind in columns -%}{%- do structure.update({name: types[kind]}) -%}{%- endfor -%}
    {%- set sql -%}
insert into {{ tessera.registry_relation(table) }} ({{ names | join(', ') }})
select {{ names | join(', ') }}
from (
    select unnest(json_transform({{ tessera.quote_literal(payload) }}, {{ tessera.quote_literal(tojson([structure])) }}), recursive := true)
)
    {%- endset -%}
    {{ return([sql]) }}
{% endmacro %}

{#- PostgreSQL: json_to_recordset with the table's column types. -#}
{% macro postgres__insert_payload(table, rows) %}
    {%- if rows | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set columns = tessera._payload_columns(table) -%}
    {%- set payload = tessera._payload_text(rows, columns) -%}
    {%- if payload is none -%}{{ return(tessera.default__insert_payload(table, rows)) }}{%- endif -%}
    {%- set names = columns | map(attribute=0) | list -%}
    {%- set typed = [] -%}
    {%- for name, kind in columns -%}{%- do typed.append(name ~ ' ' ~ tessera._column_type(kind)) -%}{%- endfor -%}
    {%- set sql -%}
insert into {{ tessera.registry_relation(table) }} ({{ names | join(', ') }})
select {{ names | join(', ') }}
from json_to_recordset(cast({{ tessera.quote_literal(payload) }} as json)) as payload({{ typed | join(', ') }})
    {%- endset -%}
    {{ return([sql]) }}
{% endmacro %}

{#- Private helpers (same file: they are one helper). -#}
{% macro _payload_columns(table) %}
    {%- for spec in tessera.registry_tables() if spec.name == table -%}
        {{ return(spec.columns) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("tessera: unknown registry table " ~ table) }}
{% endmacro %}

{#- The rows as JSON text (none when the JSON functions could not carry them faithfully). -#}
{% macro _payload_text(rows, columns) %}
    {%- set out = [] -%}
    {%- for row in rows -%}
        {%- set item = {} -%}
        {%- for name, kind in columns -%}
            {%- set value = row.get(name) -%}
            {%- if value is none or value is undefined -%}
                {%- do item.update({name: none}) -%}
            {%- elif value.strftime is defined -%}
                {%- do item.update({name: value.strftime('%Y-%m-%d %H:%M:%S.%f')}) -%}
            {%- elif kind == 'text' and value is not string and (value is mapping or value is iterable) -%}
                {%- do item.update({name: tojson(value)}) -%}
            {%- else -%}
                {%- do item.update({name: value}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do out.append(item) -%}
    {%- endfor -%}
    {%- set text = tojson(out) -%}
    {#- NUL, surrogates (also a pair: rare, and the slow path stores it right) and non-finite
        numbers go the per-value way, whose checks refuse what cannot be stored. -#}
    {%- if text is none or '\\u0000' in text or '\\ud' in text or 'NaN' in text or 'Infinity' in text -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
