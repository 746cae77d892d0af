-- Every published contract version, with the version it replaced.
select
    c.asset_id,
    a.model_name,
    a.model_version,
    a.project_name,
    a.owner_team,
    c.version,
    c.major,
    c.minor,
    c.patch,
    lag(c.version) over (
        partition by c.asset_id order by c.major, c.minor, c.patch
    ) as previous_version,
    c.bump,
    c.fingerprint,
    c.schema_json,
    c.guarantees_json,
    c.changes_json,
    c.proposal_id,
    c.published_at,
    c.published_by,
    c.invocation_id
from {{ source('tessera_registry', 'tessera_contracts') }} as c
left join {{ source('tessera_registry', 'tessera_assets') }} as a
    on a.asset_id = c.asset_id
