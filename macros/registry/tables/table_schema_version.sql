{#- tessera_schema_version: one row per registry layout applied by tessera.init (append-only). -#}
{% macro table_schema_version() %}
    {{ return({
        'name': 'tessera_schema_version',
        'columns': [
            ('version', 'integer'),
            ('applied_at', 'timestamp'),
            ('applied_by', 'text'),
            ('details_json', 'text'),
        ],
        'unique': [],
    }) }}
{% endmacro %}
