select
    cast(id as integer) as customer_id,
    cast(name as varchar(100)) as name,
    cast(email as varchar(200)) as email,
    cast(status as varchar(20)) as status,
    cast(created_at as timestamp) as created_at
from {{ ref('raw_customers') }}
