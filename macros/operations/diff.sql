{#- dbt run-operation tessera.diff --args '{model: orders}'
    dbt run-operation tessera.diff --args '{model: orders, from_version: 1.0.0, to_version: 2.0.0, format: json}'
    The contract changes of a model: by default from its latest published version to the
    project as it is now (with the gate's verdict); from_version / to_version pick published
    versions instead (to_version absent: the project now). format: text (readable lines in
    the log) or json (one JSON document, printed even with --quiet).
    The tessera-dbt plugin computes the diff when dbt loads the project (it runs for this
    operation) and records it in this invocation's tessera_checks row; this macro validates
    the arguments, looks the model and versions up, and prints. -#}
{% macro diff(model=none, from_version=none, to_version=none, format='text') %}
    {%- set op = 'diff' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['model', 'from_version', 'to_version', 'format']) -%}
    {%- set model = tessera.arg_string(op, 'model', model) -%}
    {%- set from_version = tessera.arg_string(op, 'from_version', from_version, required=false) -%}
    {%- set to_version = tessera.arg_string(op, 'to_version', to_version, required=false) -%}
    {%- set format = tessera.arg_choice(op, 'format', format, ['text', 'json'], required=false, default='text') -%}
    {%- for name, value in [('from_version', from_version), ('to_version', to_version)] if value is not none -%}
        {%- if not modules.re.fullmatch('[0-9]+\.[0-9]+\.[0-9]+', value) -%}
            {%- do tessera.refuse(op, name, value, 'is not a version', 'MAJOR.MINOR.PATCH, e.g. 1.2.0') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set asset = tessera.find_model(op, 'model', model, registry_fallback=true) -%}
    {%- do tessera.ensure_registry() -%}
    {%- set q = tessera.quote_literal -%}
    {%- set versions = tessera.run_select('select version from ' ~ tessera.registry_relation('tessera_contracts') ~ ' where asset_id = ' ~ q(asset.asset_id) ~ ' order by major, minor, patch') | map(attribute='version') | list -%}
    {%- for name, value in [('from_version', from_version), ('to_version', to_version)] if value is not none and value not in versions -%}
        {%- do tessera.refuse(op, name, value, 'is not a published version of ' ~ asset.asset_id, (versions | join(', ')) if versions else 'none: nothing is published yet') -%}
    {%- endfor -%}
    {%- set rows = tessera.run_select('select row_kind, details_json from ' ~ tessera.registry_relation('tessera_checks') ~ ' where invocation_id = ' ~ q(invocation_id)
        ~ " and (row_kind = 'summary' or asset_id = " ~ q(asset.asset_id) ~ ')') -%}
    {%- set found = {'diff': none, 'summary': false} -%}
    {%- for row in rows -%}
        {%- if row.row_kind == 'summary' -%}
            {%- do found.update({'summary': true}) -%}
        {%- elif row.details_json -%}
            {%- do found.update({'diff': (fromjson(row.details_json) or {}).get('diff')}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not found.summary -%}
        {{ exceptions.raise_compiler_error("tessera.diff: no evaluation for this invocation: the tessera-dbt plugin computes the diff, and it did not run (is it installed in this Python environment? pip install tessera-dbt)") }}
    {%- endif -%}
    {%- if found.diff is none -%}
        {%- do tessera.refuse(op, 'model', model, 'has nothing to compare (never published, and no longer in the project)', 'a model with a published contract or in this project') -%}
    {%- endif -%}
    {%- if format == 'json' -%}
        {%- set doc = {} -%}
        {%- for key, value in found.diff.items() if key != 'text' -%}{%- do doc.update({key: value}) -%}{%- endfor -%}
        {%- do print(tojson(doc, sort_keys=true)) -%}
    {%- else -%}
        {%- for line in found.diff.text.split('\n') -%}
            {%- do log(line, info=true) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
