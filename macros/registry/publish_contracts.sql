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
    {#- Publishers serialize on the publish lock, then take the lock every other registry
        write takes (answers, withdraw, force): what this transaction re-reads below cannot
        change before it commits. Always in this order, so no two writers deadlock. -#}
    {%- set lock_sql = tessera.lock_registry('publish') -%}
    {%- if lock_sql -%}
        {%- call statement('tessera_publish_lock', fetch_result=false, auto_begin=true) -%}{{ lock_sql }}{%- endcall -%}
        {%- call statement('tessera_publish_write_lock', fetch_result=false, auto_begin=true) -%}{{ tessera.lock_registry() }}{%- endcall -%}
    {%- endif -%}
    {%- set found = tessera.run_select('select c.asset_id, c.model_name, c.verdict, c.base_version, c.next_version, c.proposal_id, c.fingerprint, c.bump, k.version as existing, k.fingerprint as existing_fingerprint from ' ~ checks ~ ' as c left join ' ~ contracts
        ~ ' as k on k.asset_id = c.asset_id and k.version = c.next_version where ' ~ condition ~ ' order by c.asset_id') -%}
    {%- if found | length == 0 -%}
        {%- do adapter.commit() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set refused = tessera._publish_refusals(found) -%}
    {%- set candidates = [] -%}
    {%- for c in found if c.asset_id not in refused -%}{%- do candidates.append(c) -%}{%- endfor -%}
    {%- if candidates | length == 0 -%}
        {%- do tessera._publish_refuse(refused, invocation_id) -%}
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
       c.proposal_id, c.invocation_id, c.compatibility, c.guarantee_mode
from {{ checks }} as c
where {{ condition }}{% if refused %} and c.asset_id not in ({% for a in refused %}{{ tessera.quote_literal(a) }}{{ ', ' if not loop.last }}{% endfor %}){% endif %}
    {%- endset -%}
    {%- set columns = ['asset_id', 'version', 'major', 'minor', 'patch', 'schema_json', 'guarantees_json', 'fingerprint', 'bump', 'changes_json',
                       'published_at', 'published_by', 'proposal_id', 'invocation_id', 'compatibility', 'guarantee_mode'] -%}
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
    {%- if refused -%}
        {%- do tessera._publish_refuse(refused, invocation_id) -%}
    {%- endif -%}
    {{ return(result) }}
{% endmacro %}

{#- Under the registry lock, the candidates that must not publish: {asset_id: reason}.
    - Its proposal lost the approval the gate saw (a team answered blocked, the proposal was
      withdrawn, superseded or rejected while the models ran).
    - Another build published a different contract at this version, or published after the
      version this build compared with. -#}
{% macro _publish_refusals(found) %}
    {%- set refused = {} -%}
    {%- set q = tessera.quote_literal -%}
    {%- set pids = [] -%}
    {%- set assets = [] -%}
    {%- for c in found -%}
        {%- if c.proposal_id and q(c.proposal_id) not in pids -%}{%- do pids.append(q(c.proposal_id)) -%}{%- endif -%}
        {%- do assets.append(q(c.asset_id)) -%}
    {%- endfor -%}
    {%- set status = {} -%}
    {%- set latest = {} -%}
    {%- set owed = {} -%}
    {%- if pids -%}
        {%- for p in tessera.run_select('select proposal_id, status from ' ~ tessera.registry_relation('tessera_proposals') ~ ' where proposal_id in (' ~ pids | join(', ') ~ ')') -%}
            {%- do status.update({p.proposal_id: p.status}) -%}
        {%- endfor -%}
        {%- for t in tessera.run_select('select proposal_id, team from ' ~ tessera.registry_relation('tessera_proposal_teams') ~ ' where proposal_id in (' ~ pids | join(', ') ~ ')') -%}
            {%- do owed.setdefault(t.proposal_id, []).append(t.team) -%}
        {%- endfor -%}
        {%- for a in tessera.run_select('select proposal_id, team, response from ' ~ tessera.registry_relation('tessera_acknowledgements') ~ ' where proposal_id in (' ~ pids | join(', ') ~ ') order by acknowledged_at, ack_id') -%}
            {%- do latest.setdefault(a.proposal_id, {}).update({a.team: a.response}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set heads = {} -%}
    {%- for k in tessera.run_select('select asset_id, version, major, minor, patch from ' ~ tessera.registry_relation('tessera_contracts') ~ ' where asset_id in (' ~ assets | join(', ') ~ ')') -%}
        {%- set key = [k.major | int, k.minor | int, k.patch | int] -%}
        {%- if k.asset_id not in heads or heads[k.asset_id].key < key -%}
            {%- do heads.update({k.asset_id: {'key': key, 'version': k.version}}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for c in found -%}
        {%- set head = heads.get(c.asset_id, {}).get('version') -%}
        {%- if c.existing is not none and c.existing_fingerprint != c.fingerprint -%}
            {%- do refused.update({c.asset_id: 'another build published a different contract as version ' ~ c.next_version ~ ' while this one ran'}) -%}
        {%- elif c.existing is none and c.base_version is not none and head != c.base_version -%}
            {%- do refused.update({c.asset_id: 'the registry moved on while this build ran: the latest version is ' ~ (head or 'none') ~ ', this build compared with ' ~ (c.base_version or 'none')}) -%}
        {%- elif c.proposal_id and c.existing is none -%}
            {%- set st = status.get(c.proposal_id) -%}
            {%- set answers = latest.get(c.proposal_id, {}) -%}
            {%- set waiting = [] -%}
            {%- for team in owed.get(c.proposal_id, []) if answers.get(team) not in tessera.vocabulary().responses.agreeing -%}{%- do waiting.append(team) -%}{%- endfor -%}
            {#- A forced or expired change ships without answers, as long as its proposal is
                still forced or expired; any other must still be open and agreed by all. -#}
            {%- set shipping = tessera.vocabulary().statuses.shipping -%}
            {%- if c.verdict in shipping and st != c.verdict -%}
                {%- do refused.update({c.asset_id: 'proposal ' ~ c.proposal_id ~ ' is ' ~ (st or 'gone') ~ ', no longer ' ~ c.verdict}) -%}
            {%- elif c.verdict not in shipping and (st not in tessera.vocabulary().statuses.open or st == 'rejected' or waiting) -%}
                {%- do refused.update({c.asset_id: 'proposal ' ~ c.proposal_id ~ ' lost its approval while this build ran (status ' ~ (st or 'gone') ~ ((', waiting for ' ~ waiting | join(', ')) if waiting else '') ~ ')'}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(refused) }}
{% endmacro %}

{#- Audit the refused candidates (publish_refused), commit, and fail the run saying why:
    models built, their contracts are not published. -#}
{% macro _publish_refuse(refused, invocation_id) %}
    {%- set actor = tessera.current_actor() -%}
    {%- set now = tessera.utc_now() -%}
    {%- set audit = [] -%}
    {%- set lines = ['Tessera did not publish ' ~ (refused | length) ~ ' contract(s) of models that built in this run:'] -%}
    {%- for asset_id, reason in refused | dictsort -%}
        {%- do audit.append(tessera.audit_row('publish_refused', 'asset', asset_id, {'reason': reason}, actor, now, loop.index)) -%}
        {%- do lines.append('  - ' ~ asset_id ~ ': ' ~ reason) -%}
    {%- endfor -%}
    {%- do lines.append('The warehouse has the new tables; run the build again to re-evaluate them against the registry.') -%}
    {%- call statement('tessera_publish_refused', fetch_result=false, auto_begin=true) -%}
        {%- for sql in tessera.insert_rows('tessera_audit_log', audit) %}
        {{ sql }};
        {%- endfor %}
    {%- endcall -%}
    {%- do adapter.commit() -%}
    {{ exceptions.raise_compiler_error(lines | join('\n')) }}
{% endmacro %}
