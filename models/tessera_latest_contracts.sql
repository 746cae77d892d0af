-- The latest published contract of every asset (highest version), with the asset's settings.
with ranked as (
    select
        asset_id,
        version,
        fingerprint,
        schema_json,
        guarantees_json,
        proposal_id,
        published_at,
        published_by,
        row_number() over (
            partition by asset_id order by major desc, minor desc, patch desc
        ) as version_rank,
        count(*) over (partition by asset_id) as version_count
    from {{ source('tessera_registry', 'tessera_contracts') }}
)

select
    r.asset_id,
    a.model_name,
    a.model_version,
    a.project_name,
    a.owner_team,
    a.compatibility,
    a.guarantee_mode,
    a.relation_name,
    a.materialization,
    a.deprecation_date,
    r.version,
    cast(r.version_count as {{ dbt.type_int() }}) as version_count,
    r.fingerprint,
    r.schema_json,
    r.guarantees_json,
    r.proposal_id,
    r.published_at,
    r.published_by,
    case when a.deleted_at is null then false else true end as asset_deleted
from ranked as r
left join {{ source('tessera_registry', 'tessera_assets') }} as a
    on a.asset_id = r.asset_id
where r.version_rank = 1
