{#- THE escaping helper: every user- or manifest-supplied value reaches SQL through it.

    none -> null; true/false -> boolean literals; integers and finite numbers -> as is;
    datetimes -> a timestamp literal; dicts and lists -> their JSON text, quoted; anything
    else -> its text, quoted as a string literal. Text containing NUL (which PostgreSQL
    cannot store) or unpaired surrogates (not UTF-8) is refused. -#}
{% macro quote_literal(value) %}
    {{ return(adapter.dispatch('quote_literal', 'tessera')(value)) }}
{% endmacro %}

{#- Every variant: non-text values as _literal_plain renders them, text through _quote_text in
    the adapter's literal syntax. Variants differ only in that syntax. -#}
{% macro default__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'standard')) }}
{% endmacro %}

{#- DuckDB: backslashes are ordinary characters; doubling single quotes is enough. -#}
{% macro duckdb__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'standard')) }}
{% endmacro %}

{#- PostgreSQL: an escape string (E'...') reads the same whatever standard_conforming_strings
    says, so backslashes are doubled as well as single quotes. -#}
{% macro postgres__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'postgres')) }}
{% endmacro %}

{#- Trino: standard SQL literals (backslash is an ordinary character, '' is a quote). -#}
{% macro trino__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'standard')) }}
{% endmacro %}

{#- Redshift: a backslash escapes the next character inside '...', so it is doubled too. -#}
{% macro redshift__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'backslash_doubled_quote')) }}
{% endmacro %}

{#- Snowflake: backslash escapes inside '...' ('\'' ends nothing, '\\' is one backslash);
    '' is a quote as well. Backslashes are doubled and quotes doubled. -#}
{% macro snowflake__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'backslash_doubled_quote')) }}
{% endmacro %}

{#- BigQuery: '' is not a quote (it is an empty string followed by another literal) and a
    newline may not appear inside '...': every backslash, quote and control character is
    written as a backslash escape. -#}
{% macro bigquery__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'bigquery')) }}
{% endmacro %}

{#- Spark and Databricks: backslash escapes inside '...', and two adjacent literals are
    concatenated ('it''s' reads "its"): quotes are written \' and backslashes \\. Assumes
    spark.sql.parser.escapedStringLiterals is false (the default). -#}
{% macro spark__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'backslash')) }}
{% endmacro %}

{% macro databricks__quote_literal(value) %}
    {{ return(tessera._quote_value(value, 'backslash')) }}
{% endmacro %}

{#- Private helpers of quote_literal (same file: they are one helper). -#}
{% macro _quote_value(value, style) %}
    {%- set kind = tessera._literal_kind(value) -%}
    {%- if kind == 'text' -%}
        {{ return(tessera._quote_text(tessera._literal_text(value), style)) }}
    {%- elif kind == 'json' -%}
        {%- set text = tojson(value) -%}
        {%- if text is none -%}
            {{ exceptions.raise_compiler_error("tessera: cannot store a value that is not JSON-serializable: " ~ (value | string)[:80]) }}
        {%- endif -%}
        {{ return(tessera._quote_text(tessera._literal_text(text), style)) }}
    {%- endif -%}
    {{ return(tessera._literal_plain(value, kind)) }}
{% endmacro %}

{#- Text (already checked by _literal_text) as a string literal in one of the styles:
    standard  - '' for a quote, nothing else special (DuckDB, Trino, the default);
    postgres  - standard, or E'...' with doubled backslashes when a backslash is present;
    backslash_doubled_quote - \\ for a backslash, '' for a quote (Snowflake, Redshift);
    backslash - \\ and \' (Spark, Databricks);
    bigquery  - \\, \', and \n \r \t or \xhh for every control character. -#}
{% macro _quote_text(text, style) %}
    {%- if style == 'standard' -%}
        {{ return("'" ~ text.replace("'", "''") ~ "'") }}
    {%- elif style == 'postgres' -%}
        {%- if '\\' in text -%}
            {{ return(" E'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") }}
        {%- endif -%}
        {{ return("'" ~ text.replace("'", "''") ~ "'") }}
    {%- elif style == 'backslash_doubled_quote' -%}
        {{ return("'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") }}
    {%- elif style == 'backslash' -%}
        {{ return("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") }}
    {%- elif style == 'bigquery' -%}
        {%- set escapes = {'\n': '\\n', '\r': '\\r', '\t': '\\t'} -%}
        {%- for code in range(32) | list + [127] -%}
            {%- set ch = '%c' | format(code) -%}
            {%- if ch not in escapes -%}{%- do escapes.update({ch: '\\x%02x' | format(code)}) -%}{%- endif -%}
        {%- endfor -%}
        {%- set out = [] -%}
        {%- for ch in text.replace('\\', '\\\\').replace("'", "\\'") -%}
            {%- do out.append(escapes.get(ch, ch)) -%}
        {%- endfor -%}
        {{ return("'" ~ out | join('') ~ "'") }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("tessera: unknown literal style " ~ style) }}
{% endmacro %}

{% macro _literal_kind(value) %}
    {%- if value is none or value is undefined -%}{{ return('null') }}
    {%- elif value is sameas true or value is sameas false -%}{{ return('boolean') }}
    {%- elif value is number -%}{{ return('number') }}
    {%- elif value is string -%}{{ return('text') }}
    {%- elif value is mapping -%}{{ return('json') }}
    {%- elif value.strftime is defined -%}{{ return('timestamp') }}
    {%- elif value is iterable -%}{{ return('json') }}
    {%- else -%}{{ return('text') }}
    {%- endif -%}
{% endmacro %}

{% macro _literal_plain(value, kind) %}
    {%- if kind == 'null' -%}{{ return('null') }}
    {%- elif kind == 'boolean' -%}{{ return('true' if value else 'false') }}
    {%- elif kind == 'number' -%}
        {%- set text = value | string -%}
        {%- if text | lower in ('nan', 'inf', '-inf', 'infinity', '-infinity', 'snan') -%}
            {{ exceptions.raise_compiler_error("tessera: cannot store the number " ~ text ~ "; allowed: finite numbers") }}
        {%- endif -%}
        {{ return(text) }}
    {%- elif kind == 'timestamp' -%}
        {{ return("cast('" ~ value.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ tessera.type_timestamp() ~ ")") }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("tessera: unknown literal kind " ~ kind) }}
{% endmacro %}

{% macro _literal_text(value) %}
    {%- set text = value | string -%}
    {%- if '\x00' in text -%}
        {{ exceptions.raise_compiler_error("tessera: text cannot contain the NUL character (\\u0000): " ~ tojson(text[:80])) }}
    {%- endif -%}
    {%- if modules.re.search('[\ud800-\udfff]', text) -%}
        {{ exceptions.raise_compiler_error("tessera: text contains an unpaired surrogate (not UTF-8): " ~ tojson(text[:80])) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
