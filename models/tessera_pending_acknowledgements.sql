-- One row per open proposal and affected team whose latest answer is not an agreement
-- (no answer yet, or blocked): who still owes an answer, why, and the command to give it.
with latest_answers as (
    select
        proposal_id,
        team,
        response,
        note,
        acknowledged_by,
        acknowledged_at,
        row_number() over (
            partition by proposal_id, team order by acknowledged_at desc, ack_id desc
        ) as answer_rank
    from {{ source('tessera_registry', 'tessera_acknowledgements') }}
)

select
    p.proposal_id,
    p.asset_id,
    a.model_name,
    a.model_version,
    a.owner_team,
    p.status as proposal_status,
    p.base_version,
    p.next_version,
    pt.team,
    pt.reason,
    pt.added_at,
    la.response as latest_response,
    la.note as latest_note,
    la.acknowledged_by as latest_answer_by,
    la.acknowledged_at as latest_answer_at,
    p.created_at as proposed_at,
    {{ dbt.concat([
        "'dbt run-operation tessera.acknowledge --args ''{proposal_id: '",
        "p.proposal_id",
        "', team: '",
        "pt.team",
        "', response: approved}'''",
    ]) }} as acknowledge_command
from {{ source('tessera_registry', 'tessera_proposals') }} as p
inner join {{ source('tessera_registry', 'tessera_proposal_teams') }} as pt
    on pt.proposal_id = p.proposal_id
left join latest_answers as la
    on la.proposal_id = pt.proposal_id and la.team = pt.team and la.answer_rank = 1
left join {{ source('tessera_registry', 'tessera_assets') }} as a
    on a.asset_id = p.asset_id
where p.status in {{ tessera.sql_in(tessera.vocabulary().statuses.open) }}
    and (la.response is null or la.response not in {{ tessera.sql_in(tessera.vocabulary().responses.agreeing) }})
