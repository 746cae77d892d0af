{#- The vocabulary of Tessera: statuses, answers, verdicts, command classes and table names.
    The one place Jinja spells them; tessera_dbt/core/vocab.py is the one place Python does,
    and a test evaluates this macro in dbt and checks that both return the same dict. -#}
{% macro vocabulary() %}
    {%- set open = ['pending', 'approved', 'rejected'] -%}
    {%- set closed = ['withdrawn', 'forced', 'published', 'superseded', 'expired'] -%}
    {%- set agreeing = ['approved', 'migrating'] -%}
    {%- set allowed = ['new', 'unchanged', 'compatible', 'auto_approved', 'approved', 'forced', 'retired', 'expired'] -%}
    {%- set shipping = ['forced', 'expired'] -%}
    {%- set refused = ['blocked', 'removed'] -%}
    {%- set derived = ['exposure', 'ref'] -%}
    {%- set tables = ['tessera_schema_version', 'tessera_teams', 'tessera_team_members', 'tessera_assets',
        'tessera_contracts', 'tessera_registrations', 'tessera_proposals', 'tessera_proposal_teams',
        'tessera_acknowledgements', 'tessera_checks', 'tessera_audit_log', 'tessera_deliveries'] -%}
    {%- set by_key = {} -%}
    {%- for t in tables -%}{%- do by_key.update({t[8:]: t}) -%}{%- endfor -%}
    {#- Every allowed change of tessera_proposals.status: [from, to] (see docs/concepts.md). -#}
    {%- set transitions = [
        ['pending', 'approved'], ['pending', 'rejected'], ['approved', 'pending'], ['approved', 'rejected'],
        ['rejected', 'pending'], ['rejected', 'approved'],
        ['pending', 'withdrawn'], ['approved', 'withdrawn'], ['rejected', 'withdrawn'],
        ['pending', 'forced'], ['approved', 'forced'], ['rejected', 'forced'],
        ['pending', 'superseded'], ['approved', 'superseded'], ['rejected', 'superseded'],
        ['pending', 'expired'], ['approved', 'expired'], ['rejected', 'expired'],
        ['pending', 'published'], ['approved', 'published'], ['rejected', 'published'], ['forced', 'published'],
        ['expired', 'published'],
    ] -%}
    {{ return({
        'package': 'tessera',
        'statuses': {
            'all': open + closed,
            'open': open,
            'closed': closed,
            'active': open + shipping,
            'shipping': shipping,
            'initial': 'pending',
            'forced': 'forced',
        },
        'transitions': transitions,
        'responses': {'all': agreeing + ['blocked'], 'agreeing': agreeing, 'blocking': 'blocked'},
        'verdicts': {'all': allowed + refused, 'allowed': allowed, 'refused': refused, 'blocked': 'blocked', 'run': ['passed', 'blocked']},
        'sources': {'all': ['manual'] + derived, 'derived': derived, 'manual': 'manual'},
        'commands': {
            'gated': ['build', 'run', 'seed', 'snapshot', 'retry', 'clone'],
            'pass_through': ['parse', 'ls', 'list', 'compile', 'docs', 'test', 'run-operation'],
            'publishing': ['build', 'run'],
        },
        'enforcing_materializations': ['table', 'incremental'],
        'tables': by_key,
    }) }}
{% endmacro %}
