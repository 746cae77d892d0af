{#- tessera_deliveries: every attempt of `tessera notify` to deliver an audit-log event to a
    webhook endpoint, one row per attempt (append-only). endpoint_id is a hash of the
    endpoint's URL; url is the URL without credentials, query or path beyond its first
    segment; no secret is ever stored. delivered_at is set when the endpoint accepted the
    event (2xx); next_attempt_at says when a failed attempt may be retried. -#}
{% macro table_deliveries() %}
    {{ return({
        'name': 'tessera_deliveries',
        'columns': [
            ('endpoint_id', 'text'),
            ('url', 'text'),
            ('event_id', 'text'),
            ('action', 'text'),
            ('attempt', 'integer'),
            ('status_code', 'integer'),
            ('error', 'text'),
            ('attempted_at', 'timestamp'),
            ('delivered_at', 'timestamp'),
            ('next_attempt_at', 'timestamp'),
            ('invocation_id', 'text'),
        ],
        'unique': [],
    }) }}
{% endmacro %}
