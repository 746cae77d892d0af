{#- tessera_assets: contracted models (asset_id = the dbt unique_id; a versioned model has one
    row per dbt version: model_name, model_version and the model's latest_version). -#}
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
            ('latest_version', 'text'),
        ],
        'unique': [['asset_id']],
    }) }}
{% endmacro %}
