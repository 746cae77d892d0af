{#- tessera_acknowledgements: every answer of a team to a proposal (the latest counts). -#}
{% macro table_acknowledgements() %}
    {{ return({
        'name': 'tessera_acknowledgements',
        'columns': [
            ('ack_id', 'text'),
            ('proposal_id', 'text'),
            ('team', 'text'),
            ('response', 'text'),
            ('note', 'text'),
            ('acknowledged_by', 'text'),
            ('acknowledged_at', 'timestamp'),
            ('invocation_id', 'text'),
            ('migrating_until', 'text'),
        ],
        'unique': [['ack_id']],
    }) }}
{% endmacro %}
