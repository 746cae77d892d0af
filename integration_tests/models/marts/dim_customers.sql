select
    cast(customer_id as integer) as customer_id,
    cast(status as varchar(20)) as status,
    cast(email as varchar(200)) as email,
    cast(created_at as timestamp) as created_at
from {{ ref('stg_customers') }}
