-- 危房 as of the check date: the latest record per household among the files dated on or
-- before as_of. A later file updates an earlier rating (改造中 -> 已竣工 keeps its 鉴定日期), so
-- the newest file wins, then the newest 鉴定日期, then the last line (M04).
with

renovations as (
    select * from {{ ref('stg_property__renovations') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by head_id_number
            order by file_date desc, rated_on desc nulls last, source_row desc
        ) as recency
    from renovations
    where
        file_date <= {{ as_of_date() }}
        and (rated_on is null or rated_on <= {{ as_of_date() }})
),

final as (
    select
        head_id_number_raw,
        head_id_number,
        head_id_number_valid,
        village_code,
        danger_level,
        renovation_status,
        rated_on,
        completed_on,
        file_date,
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
