{#- tessera_checks: the gate's evaluation of each asset per invocation, plus one summary row
    (row_kind = 'summary') per evaluated invocation. Pruned after
    tessera_checks_retention_days. -#}
{% macro table_checks() %}
    {{ return({
        'name': 'tessera_checks',
        'columns': [
            ('invocation_id', 'text'),
            ('row_kind', 'text'),
            ('asset_id', 'text'),
            ('model_name', 'text'),
            ('fingerprint', 'text'),
            ('verdict', 'text'),
            ('message', 'text'),
            ('changes_json', 'text'),
            ('schema_json', 'text'),
            ('guarantees_json', 'text'),
            ('base_version', 'text'),
            ('next_version', 'text'),
            ('bump', 'text'),
            ('proposal_id', 'text'),
            ('blocks_all', 'boolean'),
            ('details_json', 'text'),
            ('checked_at', 'timestamp'),
            ('compatibility', 'text'),
            ('guarantee_mode', 'text'),
        ],
        'unique': [],
    }) }}
{% endmacro %}
