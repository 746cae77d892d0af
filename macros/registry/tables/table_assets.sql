{#- tessera_assets: contracted models (asset_id = the dbt unique_id). -#}
{% macro table_assets() %}
    {{ return({
        'name': 'tessera_assets',
        'columns': [
            ('asset_id', 'text'),
            ('project_name', 'text'),
            ('model_name', 'text'),
            ('model_version', 'text'),
            ('owner_team', 'text'),
            ('compatibility', 'text'),
            ('guarantee_mode', 'text'),
            ('relation_name', 'text'),
            ('materialization', 'text'),
            ('deprecation_date', 'text'),
            ('created_at', 'timestamp'),
            ('updated_at', 'timestamp'),
            ('deleted_at', 'timestamp'),
            ('last_invocation_id', 'text'),
        ],
        'unique': [['asset_id']],
    }) }}
{% endmacro %}
