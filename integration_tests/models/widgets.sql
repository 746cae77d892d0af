select cast(1 as integer) as widget_id, cast('blue' as varchar(20)) as colour
