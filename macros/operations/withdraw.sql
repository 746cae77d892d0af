{#- dbt run-operation tessera.withdraw --args '{proposal_id: orders-7f3a2c, reason: "reverted"}'
    The producer takes a proposal back (status withdrawn). The breaking change stays blocked:
    revert it, or the next build opens a new proposal. -#}
{% macro withdraw(proposal_id=none, reason=none, model=none) %}
    {%- do tessera._resolve_proposal('withdraw', proposal_id, reason, model, kwargs) -%}
{% endmacro %}
