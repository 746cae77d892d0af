{#- A plain-text table (header, rule, rows) for people: columns padded to their widest cell,
    newlines in cells shown as spaces, cells cut at 60 characters. -#}
{% macro format_table(headers, rows) %}
    {%- set cells = [] -%}
    {%- for row in [headers] + rows -%}
        {%- set line = [] -%}
        {%- for value in row -%}
            {%- set text = '' if value is none else (value | string) | replace('\r', ' ') | replace('\n', ' ') | replace('\t', ' ') -%}
            {%- if text | length > 60 -%}{%- set text = text[:57] ~ '...' -%}{%- endif -%}
            {%- do line.append(text) -%}
        {%- endfor -%}
        {%- do cells.append(line) -%}
    {%- endfor -%}
    {%- set widths = [] -%}
    {%- for i in range(headers | length) -%}
        {%- set w = [] -%}
        {%- for line in cells -%}{%- do w.append(line[i] | length) -%}{%- endfor -%}
        {%- do widths.append(w | max) -%}
    {%- endfor -%}
    {%- set out = [] -%}
    {%- for line in cells -%}
        {%- set padded = [] -%}
        {%- for i in range(line | length) -%}{%- do padded.append(line[i] ~ ' ' * (widths[i] - line[i] | length)) -%}{%- endfor -%}
        {%- do out.append(padded | join('  ') | trim) -%}
        {%- if loop.first -%}
            {%- set rule = [] -%}
            {%- for width in widths -%}{%- do rule.append('-' * width) -%}{%- endfor -%}
            {%- do out.append(rule | join('  ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(out | join('\n')) }}
{% endmacro %}
