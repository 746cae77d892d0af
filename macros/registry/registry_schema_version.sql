{#- The registry layout this package writes. tessera.init records it in
    tessera_schema_version; later layouts only add tables and columns. -#}
{% macro registry_schema_version() %}
    {{ return(1) }}
{% endmacro %}
