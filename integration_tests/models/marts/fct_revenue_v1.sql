select
    cast(o.status as varchar(20)) as status,
    cast(sum(o.amount) as numeric(14, 2)) as revenue
from {{ ref('orders') }} as o
group by o.status
