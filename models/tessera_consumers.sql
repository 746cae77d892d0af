-- Every active consumer registration (manual, exposure, ref) with the asset it is on.
select
    r.asset_id,
    a.model_name,
    a.model_version,
    a.project_name,
    a.owner_team,
    r.team,
    r.source,
    r.columns_json,
    case when r.columns_json is null then true else false end as all_columns,
    r.pinned_major,
    r.source_ref,
    r.note,
    r.created_at,
    r.created_by,
    r.updated_at
from {{ source('tessera_registry', 'tessera_registrations') }} as r
left join {{ source('tessera_registry', 'tessera_assets') }} as a
    on a.asset_id = r.asset_id
where r.deleted_at is null
