-- 人社 as of the check date: the lines of the latest 所属期 whose month has begun on as_of. A
-- month's file holds everyone insured that month, so a person absent from it is no longer
-- insured (V08 reads 职工养老 参保缴费 and 月缴费基数 here).
with

insurance as (
    select * from {{ ref('stg_renshe__insurance') }}
),

-- read apart from the insurance CTE, which then stays inlined: a reader's filter on id_number
-- reaches the table's index (the person spine reads the persons of a change)
current_month as (
    {{ latest_period_on(ref('stg_renshe__insurance'), 'contribution_month') }}
),

final as (
    select insurance.*
    from insurance
    inner join current_month
        on insurance.contribution_month = current_month.contribution_month
)

select * from final  -- noqa: AM04
