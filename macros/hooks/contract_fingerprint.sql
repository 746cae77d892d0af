{#- A model's contract fingerprint, computed from `graph` exactly as
    tessera_dbt.core.fingerprint computes it from manifest.json (see that module for the
    canonical string; a parity test runs both on a case table). `node` is a graph node,
    `tests` the test nodes attached to it. Returns '' for a model that is not
    fingerprinted (no enforced contract, no meta.tessera). -#}
{% macro contract_fingerprint(node, tests=[]) %}
    {%- set config = node.config or {} -%}
    {%- set spec = tessera.node_meta(node, 'tessera') -%}
    {%- set enforced = (config.contract or {}).enforced is sameas true -%}
    {%- if node.resource_type != 'model' or not (enforced or spec.found) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for name, column in (node.columns or {}).items() -%}
        {%- set constraints = [] -%}
        {%- for c in column.constraints or [] -%}
            {%- do constraints.append(tessera._fingerprint_constraint(c)) -%}
        {%- endfor -%}
        {%- do columns.append(tessera._canonical([column.name if column.name is not none else name, column.data_type or '', constraints])) -%}
    {%- endfor -%}
    {%- set model_constraints = [] -%}
    {%- for c in node.constraints or [] -%}
        {%- do model_constraints.append(tessera._canonical(tessera._fingerprint_constraint(c))) -%}
    {%- endfor -%}
    {%- set test_parts = [] -%}
    {%- for t in tests -%}
        {%- set meta = t.test_metadata or {} -%}
        {%- do test_parts.append(tessera._canonical([t.column_name or '', meta.name or '', meta.namespace or '', meta.kwargs or {}])) -%}
    {%- endfor -%}
    {#- Already-canonical members are joined as they are: the same text Python builds. -#}
    {%- set text = '1:{"columns":[' ~ (columns | sort(case_sensitive=true) | join(','))
        ~ '],"constraints":[' ~ (model_constraints | join(','))
        ~ '],"enforced":' ~ ('true' if enforced else 'false')
        ~ ',"materialized":' ~ tessera._canonical(config.materialized or '')
        ~ ',"tessera":' ~ tessera._canonical(spec.value)
        ~ ',"tests":[' ~ (test_parts | sort(case_sensitive=true) | join(',')) ~ ']}' -%}
    {{ return(local_md5(text)) }}
{% endmacro %}

{% macro _fingerprint_constraint(c) %}
    {%- set to_columns = [] -%}
    {%- for x in c.to_columns or [] -%}{%- do to_columns.append(x | string) -%}{%- endfor -%}
    {%- set columns = [] -%}
    {%- for x in c.columns or [] -%}{%- do columns.append(x | string) -%}{%- endfor -%}
    {{ return([(c.type or '') | string, (c.name or '') | string, (c.expression or '') | string, (c.to or '') | string, to_columns, columns]) }}
{% endmacro %}

{#- The canonical text of a value: mappings with sorted keys, lists in order, strings
    quoted with backslash and double quote escaped, true/false/null. -#}
{% macro _canonical(value) %}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is sameas true -%}
        {{ return('true') }}
    {%- elif value is sameas false -%}
        {{ return('false') }}
    {%- elif value is number -%}
        {{ return(value | string) }}
    {%- elif value is string -%}
        {{ return('"' ~ value | replace('\\', '\\\\') | replace('"', '\\"') ~ '"') }}
    {%- elif value is mapping -%}
        {%- set items = [] -%}
        {%- for key in value.keys() | map('string') | sort(case_sensitive=true) -%}
            {%- do items.append(tessera._canonical(key) ~ ':' ~ tessera._canonical(value[key])) -%}
        {%- endfor -%}
        {{ return('{' ~ items | join(',') ~ '}') }}
    {%- elif value is iterable -%}
        {%- set items = [] -%}
        {%- for item in value -%}{%- do items.append(tessera._canonical(item)) -%}{%- endfor -%}
        {{ return('[' ~ items | join(',') ~ ']') }}
    {%- else -%}
        {{ return(tessera._canonical(value | string)) }}
    {%- endif -%}
{% endmacro %}
