{#- dbt run-operation tessera.force --args '{proposal_id: orders-7f3a2c, reason: "incident 42"}'
    An admin lets a breaking change ship without every answer (status forced). reason is
    required. -#}
{% macro force(proposal_id=none, reason=none, model=none) %}
    {%- do tessera._resolve_proposal('force', proposal_id, reason, model, kwargs) -%}
{% endmacro %}
