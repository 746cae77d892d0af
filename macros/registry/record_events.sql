{#- Append audit events written by the plugin (auto approvals, derived registrations …):
    a list of dicts {action, entity_type, entity_id, details}. One transaction. The audit
    log is append-only. Returns the number of rows written. -#}
{% macro record_events(events, actor=none) %}
    {%- if not execute or events | length == 0 -%}{{ return(0) }}{%- endif -%}
    {%- set actor = actor if actor is not none else tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set rows = [] -%}
    {%- for e in events -%}
        {%- do rows.append(tessera.audit_row(e.action, e.entity_type, e.entity_id, e.get('details'), actor, now, loop.index)) -%}
    {%- endfor -%}
    {%- do tessera.run_writes(tessera.insert_rows('tessera_audit_log', rows), lock=false) -%}
    {{ return(rows | length) }}
{% endmacro %}
