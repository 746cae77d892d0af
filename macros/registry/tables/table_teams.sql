{#- tessera_teams: producer and consumer teams (soft-deleted with deleted_at). -#}
{% macro table_teams() %}
    {{ return({
        'name': 'tessera_teams',
        'columns': [
            ('name', 'text'),
            ('description', 'text'),
            ('created_at', 'timestamp'),
            ('created_by', 'text'),
            ('source', 'text'),
            ('updated_at', 'timestamp'),
            ('deleted_at', 'timestamp'),
            ('deleted_by', 'text'),
        ],
        'unique': [['name']],
    }) }}
{% endmacro %}
