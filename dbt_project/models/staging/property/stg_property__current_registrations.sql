-- 不动产 held on the check date: 首次 / 转移登记 registered on or before as_of and not cancelled
-- (注销登记) on or before it (V03).
with

registrations as (
    select * from {{ ref('stg_property__registrations') }}
),

final as (
    select *
    from registrations
    where
        registration_type in ('首次登记', '转移登记')
        and registration_date <= {{ as_of_date() }}
        and (cancelled_on is null or cancelled_on > {{ as_of_date() }})
)

select * from final  -- noqa: AM04
