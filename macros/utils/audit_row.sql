{#- One tessera_audit_log row (a dict for insert_rows). seq keeps event ids of several rows
    written by one call apart. The audit log is append-only: rows are only ever inserted. -#}
{% macro audit_row(action, entity_type, entity_id, details=none, actor=none, occurred_at=none, seq=0) %}
    {%- set occurred_at = occurred_at if occurred_at is not none else tessera.utc_now() -%}
    {%- set details_json = tojson(details if details is not none else {}, sort_keys=true) -%}
    {{ return({
        'event_id': tessera.new_id([action, entity_type, entity_id, details_json, seq]),
        'occurred_at': occurred_at,
        'actor': actor if actor is not none else tessera.current_actor(),
        'action': action,
        'entity_type': entity_type,
        'entity_id': entity_id,
        'details_json': details_json,
        'invocation_id': invocation_id,
    }) }}
{% endmacro %}
