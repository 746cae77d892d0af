-- Proposals still taking answers, with how many affected teams answered, agreed, blocked or
-- have not answered yet (each team's latest answer counts).
with latest_answers as (
    select
        proposal_id,
        team,
        response,
        row_number() over (
            partition by proposal_id, team order by acknowledged_at desc, ack_id desc
        ) as answer_rank
    from {{ source('tessera_registry', 'tessera_acknowledgements') }}
),

team_answers as (
    select
        pt.proposal_id,
        count(*) as affected_teams,
        sum(case when la.response is not null then 1 else 0 end) as answered_teams,
        sum(case when la.response in {{ tessera.sql_in(tessera.vocabulary().responses.agreeing) }} then 1 else 0 end) as approved_teams,
        sum(case when la.response = {{ tessera.quote_literal(tessera.vocabulary().responses.blocking) }} then 1 else 0 end) as blocked_teams,
        sum(case when la.response is null then 1 else 0 end) as pending_teams
    from {{ source('tessera_registry', 'tessera_proposal_teams') }} as pt
    left join latest_answers as la
        on la.proposal_id = pt.proposal_id and la.team = pt.team and la.answer_rank = 1
    group by pt.proposal_id
)

select
    p.proposal_id,
    p.asset_id,
    a.model_name,
    a.model_version,
    a.owner_team,
    p.status,
    p.base_version,
    p.next_version,
    p.changes_json,
    cast(coalesce(t.affected_teams, 0) as {{ dbt.type_int() }}) as affected_teams,
    cast(coalesce(t.answered_teams, 0) as {{ dbt.type_int() }}) as answered_teams,
    cast(coalesce(t.approved_teams, 0) as {{ dbt.type_int() }}) as approved_teams,
    cast(coalesce(t.blocked_teams, 0) as {{ dbt.type_int() }}) as blocked_teams,
    cast(coalesce(t.pending_teams, 0) as {{ dbt.type_int() }}) as pending_teams,
    p.created_at,
    p.created_by,
    p.updated_at
from {{ source('tessera_registry', 'tessera_proposals') }} as p
left join team_answers as t
    on t.proposal_id = p.proposal_id
left join {{ source('tessera_registry', 'tessera_assets') }} as a
    on a.asset_id = p.asset_id
where p.status in {{ tessera.sql_in(tessera.vocabulary().statuses.open) }}
