select
    cast(o.status as varchar(20)) as status,
    cast(sum(o.amount) as numeric(14, 2)) as revenue,
    cast(count(*) as bigint) as order_count
from {{ ref('orders') }} as o
group by o.status
