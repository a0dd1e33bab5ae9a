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
    select max(insurance_lines.contribution_month) as contribution_month
    from {{ ref('stg_renshe__insurance') }} as insurance_lines
    where insurance_lines.contribution_month <= {{ as_of_date() }}
),

final as (
    select insurance.*
    from insurance
    inner join current_month
        on insurance.contribution_month = current_month.contribution_month
)

select * from final  -- noqa: AM04
