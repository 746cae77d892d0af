-- Not contracted, no group: a plain model Tessera ignores as an asset.
select
    c.customer_id,
    count(o.order_id) as order_count
from {{ ref('dim_customers') }} as c
left join {{ ref('stg_orders') }} as o on o.customer_id = c.customer_id
group by c.customer_id
