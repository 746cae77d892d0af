{#- tessera_proposal_teams: the teams affected by a proposal, and why. -#}
{% macro table_proposal_teams() %}
    {{ return({
        'name': 'tessera_proposal_teams',
        'columns': [
            ('proposal_id', 'text'),
            ('team', 'text'),
            ('reason', 'text'),
            ('added_at', 'timestamp'),
        ],
        'unique': [['proposal_id', 'team']],
    }) }}
{% endmacro %}
