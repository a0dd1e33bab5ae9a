-- 易地扶贫搬迁 as of the check date: the households of the latest landed quarterly snapshot whose
-- quarter has begun on as_of, one row per 户编号 (M06, relocation statistics).
with

households as (
    select * from {{ ref('stg_relocation__households') }}
),

current_quarter as (
    select max(quarter_start) as quarter_start
    from households
    where quarter_start <= {{ as_of_date() }}
),

ranked as (
    select
        households.*,
        row_number() over (
            partition by households.household_id
            order by households.source_row desc
        ) as recency
    from households
    inner join current_quarter
        on households.quarter_start = current_quarter.quarter_start
),

final as (
    select
        household_id,
        head_id_number_raw,
        head_id_number,
        head_id_number_valid,
        origin_village_code,
        resettlement_site,
        resettlement_region_code,
        relocation_year,
        has_moved_in,
        moved_in_on,
        labourers,
        employed,
        household_income,
        quarter,
        quarter_start,
        quarter_end,
        batch_id,
        source_file,
        source_row,
        delivery_period,
        delivery_version,
        delivered_at
    from ranked
    where recency = 1
)

select * from final
