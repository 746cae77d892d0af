{#- Every registry table's definition, in creation order. Each table is defined once, in
    its macro under macros/registry/tables/. -#}
{% macro registry_tables() %}
    {{ return([
        tessera.table_schema_version(),
        tessera.table_teams(),
        tessera.table_team_members(),
        tessera.table_assets(),
        tessera.table_contracts(),
        tessera.table_registrations(),
        tessera.table_proposals(),
        tessera.table_proposal_teams(),
        tessera.table_acknowledgements(),
        tessera.table_checks(),
        tessera.table_audit_log(),
        tessera.table_deliveries(),
    ]) }}
{% endmacro %}
