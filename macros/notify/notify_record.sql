{#- dbt run-operation tessera.notify_record --args '{attempts: [{endpoint_id, url, event_id,
    action, attempt, status_code, error, attempted_at, delivered_at, next_attempt_at}]}'
    (run by `tessera notify` after it sent.)

    Appends one tessera_deliveries row per delivery attempt, all in one transaction (chunked
    multi-row inserts). Timestamps are ISO 8601 text in UTC (naive, or ending in Z/+00:00).
    Every value is validated first, then quoted by tessera.quote_literal. The table is
    append-only: an attempt is never updated. Prints {"recorded": n}. -#}
{% macro notify_record(attempts=none) %}
    {%- set op = 'notify_record' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['attempts']) -%}
    {%- if attempts is undefined or attempts is none or attempts is string or attempts is mapping or attempts is not iterable -%}
        {%- do tessera.refuse(op, 'attempts', attempts, 'is not a list', 'a list of delivery attempts') -%}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for a in attempts -%}
        {%- set where = 'attempts[' ~ loop.index0 ~ ']' -%}
        {%- if a is not mapping -%}
            {%- do tessera.refuse(op, where, a, 'is not a mapping', 'a delivery attempt {endpoint_id, url, event_id, ...}') -%}
        {%- endif -%}
        {%- set unknown = a.keys() | reject('in', ['endpoint_id', 'url', 'event_id', 'action', 'attempt', 'status_code', 'error', 'attempted_at', 'delivered_at', 'next_attempt_at']) | list -%}
        {%- if unknown -%}
            {%- do tessera.refuse(op, where ~ '.' ~ (unknown | map('string') | sort | first), none, 'is not a field of a delivery attempt', 'endpoint_id, url, event_id, action, attempt, status_code, error, attempted_at, delivered_at, next_attempt_at') -%}
        {%- endif -%}
        {%- do rows.append({
            'endpoint_id': tessera.arg_string(op, where ~ '.endpoint_id', a.get('endpoint_id')),
            'url': tessera.arg_string(op, where ~ '.url', a.get('url')),
            'event_id': tessera.arg_string(op, where ~ '.event_id', a.get('event_id')),
            'action': tessera.arg_string(op, where ~ '.action', a.get('action')),
            'attempt': tessera.arg_integer(op, where ~ '.attempt', a.get('attempt'), required=true, minimum=1),
            'status_code': tessera.arg_integer(op, where ~ '.status_code', a.get('status_code'), required=false, minimum=0),
            'error': tessera.arg_string(op, where ~ '.error', a.get('error'), required=false, allow_blank=true),
            'attempted_at': tessera._notify_timestamp(op, where ~ '.attempted_at', a.get('attempted_at'), true),
            'delivered_at': tessera._notify_timestamp(op, where ~ '.delivered_at', a.get('delivered_at'), false),
            'next_attempt_at': tessera._notify_timestamp(op, where ~ '.next_attempt_at', a.get('next_attempt_at'), false),
            'invocation_id': invocation_id,
        }) -%}
    {%- endfor -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- if rows | length > 0 -%}
        {%- do tessera.ensure_registry() -%}
        {%- do tessera.run_writes(tessera.insert_rows('tessera_deliveries', rows), lock=false) -%}
    {%- endif -%}
    {%- do print(tojson({'recorded': rows | length})) -%}
{% endmacro %}

{#- An ISO 8601 UTC timestamp argument as a naive datetime (none when absent and optional). -#}
{% macro _notify_timestamp(op, name, value, required) %}
    {%- if value is none or value is undefined -%}
        {%- if required -%}{%- do tessera.refuse(op, name, none, 'is missing', 'an ISO 8601 UTC timestamp') -%}{%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is not string -%}
        {%- if value.strftime is defined -%}{{ return(value.replace(tzinfo=none)) }}{%- endif -%}
        {%- do tessera.refuse(op, name, value, 'is not a timestamp', 'an ISO 8601 UTC timestamp') -%}
    {%- endif -%}
    {%- set m = modules.re.fullmatch('([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2}:[0-9]{2})(\\.[0-9]{1,6})?(Z|[+]00:00)?', value) -%}
    {%- if not m -%}
        {%- do tessera.refuse(op, name, value, 'is not a UTC timestamp', 'an ISO 8601 UTC timestamp such as 2026-01-31T12:00:00Z') -%}
    {%- endif -%}
    {%- set fraction = ((m.group(3) or '.0')[1:] ~ '000000')[:6] -%}
    {{ return(modules.datetime.datetime.strptime(m.group(1) ~ ' ' ~ m.group(2) ~ '.' ~ fraction, '%Y-%m-%d %H:%M:%S.%f')) }}
{% endmacro %}
