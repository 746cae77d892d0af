{#- The defaults of every Tessera variable, in one dispatched dict (override per adapter). -#}
{% macro get_default_config() %}
    {{ return(adapter.dispatch('get_default_config', 'tessera')()) }}
{% endmacro %}

{% macro default__get_default_config() %}
    {{ return({
        'tessera_database': target.database if target.database is defined else none,
        'tessera_schema': 'tessera',
        'tessera_default_owner': none,
        'tessera_default_compatibility': 'backward',
        'tessera_publish': true,
        'tessera_enforce_membership': false,
        'tessera_admins': [],
        'tessera_checks_retention_days': 30,
        'tessera_fail_open': false,
        'tessera_webhooks': [],
        'tessera_actor': none,
        'tessera_team': none,
        'tessera_table_format': none,
    }) }}
{% endmacro %}
