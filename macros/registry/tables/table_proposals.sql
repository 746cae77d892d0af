{#- tessera_proposals: breaking changes waiting for (or resolved by) their consumers. -#}
{% macro table_proposals() %}
    {{ return({
        'name': 'tessera_proposals',
        'columns': [
            ('proposal_id', 'text'),
            ('asset_id', 'text'),
            ('status', 'text'),
            ('base_version', 'text'),
            ('next_version', 'text'),
            ('fingerprint', 'text'),
            ('changes_json', 'text'),
            ('schema_json', 'text'),
            ('guarantees_json', 'text'),
            ('created_at', 'timestamp'),
            ('created_by', 'text'),
            ('invocation_id', 'text'),
            ('updated_at', 'timestamp'),
            ('resolved_at', 'timestamp'),
            ('resolved_by', 'text'),
            ('resolution_note', 'text'),
            ('deadline', 'text'),
        ],
        'unique': [['proposal_id']],
    }) }}
{% endmacro %}
