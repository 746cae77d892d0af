{#- Publish the candidate contracts the gate recorded for this invocation: every asset row of
    tessera_checks with a next_version and a verdict other than 'blocked' (asset_ids: only
    those, e.g. the models that built successfully; none: all). Copies them into
    tessera_contracts with insert ... select ... on conflict do nothing (concurrent publishers
    write one row per (asset_id, version)), marks their proposals published, and audits each
    newly published version (contract_published). One transaction under the registry lock.
    Returns a list of {asset_id, version, proposal_id, published} (published: false when the
    version already existed). -#}
{% macro publish_contracts(invocation_id, asset_ids=none) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if asset_ids is not none and asset_ids | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set checks = tessera.registry_relation('tessera_checks') -%}
    {%- set contracts = tessera.registry_relation('tessera_contracts') -%}
    {%- set condition -%}
c.invocation_id = {{ tessera.quote_literal(invocation_id) }} and c.row_kind = 'asset' and c.next_version is not null
and (c.verdict is null or c.verdict <> {{ tessera.quote_literal(tessera.vocabulary().verdicts.blocked) }})
{%- if asset_ids is not none %} and c.asset_id in ({% for a in asset_ids %}{{ tessera.quote_literal(a) }}{{ ', ' if not loop.last }}{% endfor %}){% endif %}
    {%- endset -%}
    {%- set lock_sql = tessera.lock_registry('publish') -%}
    {%- if lock_sql -%}
        {%- call statement('tessera_publish_lock', fetch_result=false, auto_begin=true) -%}{{ lock_sql }}{%- endcall -%}
    {%- endif -%}
    {%- set candidates = tessera.run_select('select c.asset_id, c.next_version, c.proposal_id, c.fingerprint, c.bump, k.version as existing from ' ~ checks ~ ' as c left join ' ~ contracts
        ~ ' as k on k.asset_id = c.asset_id and k.version = c.next_version where ' ~ condition ~ ' order by c.asset_id') -%}
    {%- if candidates | length == 0 -%}
        {%- do adapter.commit() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set t = tessera.type_text() -%}
    {%- set n = tessera.type_integer() -%}
    {%- set select_sql -%}
select c.asset_id, c.next_version as version,
       cast({{ dbt.split_part('c.next_version', "'.'", 1) }} as {{ n }}) as major,
       cast({{ dbt.split_part('c.next_version', "'.'", 2) }} as {{ n }}) as minor,
       cast({{ dbt.split_part('c.next_version', "'.'", 3) }} as {{ n }}) as patch,
       c.schema_json, c.guarantees_json, c.fingerprint, c.bump, c.changes_json,
       {{ tessera.quote_literal(now) }} as published_at, cast({{ tessera.quote_literal(actor) }} as {{ t }}) as published_by,
       c.proposal_id, c.invocation_id
from {{ checks }} as c
where {{ condition }}
    {%- endset -%}
    {%- set columns = ['asset_id', 'version', 'major', 'minor', 'patch', 'schema_json', 'guarantees_json', 'fingerprint', 'bump', 'changes_json',
                       'published_at', 'published_by', 'proposal_id', 'invocation_id'] -%}
    {#- The write that may conflict with a concurrent publisher goes first: on engines without
        multi-statement transactions (Spark) a rejected writer then writes nothing. -#}
    {%- set statements = [] -%}
    {%- if candidates | selectattr('existing', 'none') | list | length > 0 -%}
        {%- do statements.append(tessera.insert_select_idempotent('tessera_contracts', columns, select_sql, ['asset_id', 'version'])) -%}
    {%- endif -%}
    {%- set pids = [] -%}
    {%- set audit = [] -%}
    {%- set result = [] -%}
    {%- for c in candidates -%}
        {%- if c.proposal_id and c.proposal_id not in pids -%}{%- do pids.append(c.proposal_id) -%}{%- endif -%}
        {%- do result.append({'asset_id': c.asset_id, 'version': c.next_version, 'proposal_id': c.proposal_id, 'published': c.existing is none}) -%}
        {%- if c.existing is none -%}
            {%- do audit.append(tessera.audit_row('contract_published', 'asset', c.asset_id, {'version': c.next_version, 'bump': c.bump, 'fingerprint': c.fingerprint, 'proposal_id': c.proposal_id}, actor, now, loop.index)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if pids -%}
        {%- set plist = [] -%}
        {%- for p in pids -%}{%- do plist.append(tessera.quote_literal(p)) -%}{%- endfor -%}
        {%- set p_rel = tessera.registry_relation('tessera_proposals') -%}
        {%- set open_clause = "status in " ~ tessera.sql_in(tessera.vocabulary().statuses.active) ~ " and proposal_id in (" ~ plist | join(', ') ~ ')' -%}
        {%- set items = [] -%}
        {%- for p in tessera.run_select('select proposal_id, status from ' ~ p_rel ~ ' where ' ~ open_clause) -%}
            {%- do items.append({'proposal_id': p.proposal_id, 'previous_status': p.status, 'seq': 1000 + loop.index}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do statements.extend(tessera.insert_rows('tessera_audit_log', audit)) -%}
    {%- if pids -%}
        {%- do statements.extend(tessera._set_proposal_status(items, 'published', actor, now, resolve=true)) -%}
    {%- endif -%}
    {%- do tessera.run_statements(statements, 'tessera_publish') -%}
    {{ return(result) }}
{% endmacro %}
