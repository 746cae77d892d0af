select
    cast(id as integer) as order_id,
    cast(customer_id as integer) as customer_id,
    cast(amount as numeric(12, 2)) as amount,
    cast(status as varchar(20)) as status,
    cast(ordered_at as timestamp) as ordered_at
from {{ ref('raw_orders') }}
