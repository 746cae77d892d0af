{#- DDL for the server-side guards the registry lacks (a list of statements, empty when
    none are missing). PostgreSQL: a trigger stamps tessera_acknowledgements.acknowledged_by
    and tessera_audit_log.actor with current_user for every role that does not own the
    table, so an answer or an audit row cannot be written in another user's name (the
    owner keeps what it writes: tessera import copies rows with their authors). Other
    adapters: none (DuckDB has no users). Dispatched. -#}
{% macro registry_guards(plan) %}
    {{ return(adapter.dispatch('registry_guards', 'tessera')(plan)) }}
{% endmacro %}

{% macro default__registry_guards(plan) %}
    {{ return([]) }}
{% endmacro %}

{% macro postgres__registry_guards(plan) %}
    {%- set schema = tessera.registry_relation().schema -%}
    {%- set tables = ['tessera_acknowledgements', 'tessera_audit_log'] -%}
    {%- set present = [] -%}
    {%- set missing_tables = plan.tables | map(attribute='name') | list -%}
    {%- if 'tessera_acknowledgements' not in missing_tables and 'tessera_audit_log' not in missing_tables -%}
        {%- set sql -%}
select c.relname as table_name
from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
where t.tgname = 'tessera_stamp_actor' and n.nspname = {{ tessera.quote_literal(schema) }}
        {%- endset -%}
        {%- for row in tessera.run_select(sql) -%}{%- do present.append(row.table_name) -%}{%- endfor -%}
    {%- endif -%}
    {%- set wanted = tables | reject('in', present) | list -%}
    {%- if wanted | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set qs = adapter.quote(schema) -%}
    {%- set out = [] -%}
    {%- set fn -%}
create or replace function {{ qs }}.tessera_stamp_actor() returns trigger language plpgsql as $tessera$
begin
    if not pg_has_role(current_user, (select relowner from pg_class where oid = tg_relid), 'USAGE') then
        if tg_table_name = 'tessera_acknowledgements' then
            new.acknowledged_by := current_user;
        else
            new.actor := current_user;
        end if;
    end if;
    return new;
end
$tessera$
    {%- endset -%}
    {%- do out.append(fn) -%}
    {%- for table in wanted -%}
        {%- do out.append('drop trigger if exists tessera_stamp_actor on ' ~ qs ~ '.' ~ table) -%}
        {%- do out.append('create trigger tessera_stamp_actor before insert on ' ~ qs ~ '.' ~ table ~ ' for each row execute function ' ~ qs ~ '.tessera_stamp_actor()') -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}
