{#- tessera_contracts: every published contract version; (asset_id, version) is unique. -#}
{% macro table_contracts() %}
    {{ return({
        'name': 'tessera_contracts',
        'columns': [
            ('asset_id', 'text'),
            ('version', 'text'),
            ('major', 'integer'),
            ('minor', 'integer'),
            ('patch', 'integer'),
            ('schema_json', 'text'),
            ('guarantees_json', 'text'),
            ('fingerprint', 'text'),
            ('bump', 'text'),
            ('changes_json', 'text'),
            ('published_at', 'timestamp'),
            ('published_by', 'text'),
            ('proposal_id', 'text'),
            ('invocation_id', 'text'),
            ('compatibility', 'text'),
            ('guarantee_mode', 'text'),
        ],
        'unique': [['asset_id', 'version']],
    }) }}
{% endmacro %}
