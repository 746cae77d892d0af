-- Owned by marketing: reads two columns of core's orders, so marketing consumes orders.
select
    order_id,
    amount
from {{ ref('orders') }}
where amount > 0
