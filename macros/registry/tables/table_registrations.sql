{#- tessera_registrations: consumers of an asset (one row per asset, team and source). A
    manual registration on a versioned model is on the model (asset_id without the version)
    and follows its latest_version, unless model_version pins it to one dbt version. -#}
{% macro table_registrations() %}
    {{ return({
        'name': 'tessera_registrations',
        'columns': [
            ('asset_id', 'text'),
            ('team', 'text'),
            ('source', 'text'),
            ('columns_json', 'text'),
            ('pinned_major', 'integer'),
            ('note', 'text'),
            ('source_ref', 'text'),
            ('created_at', 'timestamp'),
            ('created_by', 'text'),
            ('updated_at', 'timestamp'),
            ('deleted_at', 'timestamp'),
            ('deleted_by', 'text'),
            ('model_version', 'text'),
            ('star_refs', 'text'),
        ],
        'unique': [['asset_id', 'team', 'source']],
    }) }}
{% endmacro %}
