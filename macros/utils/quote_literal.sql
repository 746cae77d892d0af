{#- THE escaping helper: every user- or manifest-supplied value reaches SQL through it.

    none -> null; true/false -> boolean literals; integers and finite numbers -> as is;
    datetimes -> a timestamp literal; dicts and lists -> their JSON text, quoted; anything
    else -> its text, quoted as a string literal. Text containing NUL (which PostgreSQL
    cannot store) or unpaired surrogates (not UTF-8) is refused. -#}
{% macro quote_literal(value) %}
    {{ return(adapter.dispatch('quote_literal', 'tessera')(value)) }}
{% endmacro %}

{% macro default__quote_literal(value) %}
    {%- set kind = tessera._literal_kind(value) -%}
    {%- if kind != 'text' -%}
        {{ return(tessera._literal_plain(value, kind)) }}
    {%- endif -%}
    {%- set text = tessera._literal_text(value) -%}
    {{ return("'" ~ text.replace("'", "''") ~ "'") }}
{% endmacro %}

{#- DuckDB: backslashes are ordinary characters; doubling single quotes is enough. -#}
{% macro duckdb__quote_literal(value) %}
    {{ return(tessera.default__quote_literal(value)) }}
{% endmacro %}

{#- PostgreSQL: an escape string (E'...') reads the same whatever standard_conforming_strings
    says, so backslashes are doubled as well as single quotes. -#}
{% macro postgres__quote_literal(value) %}
    {%- set kind = tessera._literal_kind(value) -%}
    {%- if kind != 'text' -%}
        {{ return(tessera._literal_plain(value, kind)) }}
    {%- endif -%}
    {%- set text = tessera._literal_text(value) -%}
    {%- if '\\' in text -%}
        {{ return(" E'" ~ text.replace('\\', '\\\\').replace("'", "''") ~ "'") }}
    {%- endif -%}
    {{ return("'" ~ text.replace("'", "''") ~ "'") }}
{% endmacro %}

{#- Private helpers of quote_literal (same file: they are one helper). -#}
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
    {%- elif kind == 'json' -%}
        {%- set text = tojson(value) -%}
        {%- if text is none -%}
            {{ exceptions.raise_compiler_error("tessera: cannot store a value that is not JSON-serializable: " ~ (value | string)[:80]) }}
        {%- endif -%}
        {{ return(tessera.quote_literal(text)) }}
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
