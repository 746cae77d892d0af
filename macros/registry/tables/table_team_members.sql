{#- tessera_team_members: who belongs to which team, with role member or admin. -#}
{% macro table_team_members() %}
    {{ return({
        'name': 'tessera_team_members',
        'columns': [
            ('team', 'text'),
            ('principal', 'text'),
            ('role', 'text'),
            ('created_at', 'timestamp'),
            ('created_by', 'text'),
            ('updated_at', 'timestamp'),
            ('deleted_at', 'timestamp'),
            ('deleted_by', 'text'),
        ],
        'unique': [['team', 'principal']],
    }) }}
{% endmacro %}
