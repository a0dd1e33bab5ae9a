-- 易地扶贫搬迁 as of the check date: the households of the latest landed quarterly snapshot whose
-- quarter has begun on as_of, one row per 户编号 (M06, relocation statistics).
with

households as (
    select * from {{ ref('stg_relocation__households') }}
),

current_quarter as (
    {{ latest_snapshot_rows('households', 'quarter_start') }}
),

ranked as (
    select
        current_quarter.*,
        row_number() over (
            partition by current_quarter.household_id
            order by current_quarter.source_row desc
        ) as recency
    from current_quarter
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
