{#- tessera_audit_log: append-only record of every accepted (and every refused, when
    membership is enforced) operation. Nothing updates or deletes its rows. -#}
{% macro table_audit_log() %}
    {{ return({
        'name': 'tessera_audit_log',
        'columns': [
            ('event_id', 'text'),
            ('occurred_at', 'timestamp'),
            ('actor', 'text'),
            ('action', 'text'),
            ('entity_type', 'text'),
            ('entity_id', 'text'),
            ('details_json', 'text'),
            ('invocation_id', 'text'),
        ],
        'unique': [],
    }) }}
{% endmacro %}
