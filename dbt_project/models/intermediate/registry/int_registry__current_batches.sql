-- The current registry snapshot of each county as of the check date: the landed snapshot with
-- the latest period whose month has begun on as_of (a county whose latest file was corrected by
-- a _vN uses the correction: the earlier version is 'superseded' in the ledger, never 'landed').
-- Built on every delivery and check date, but its few rows rarely change: the tables built
-- from it follow its rows (build_cache.sql). It reads the registry's batches of the ledger only.
{{ config(cache_by_content=true, meta={'ledger_feeds': ['registry']}) }}
with

deliveries as (
    select * from {{ source('ops', 'delivery') }}
),

landed as (
    select
        batch_id,
        scope as county_code,
        period as registry_period,
        version as delivery_version,
        source_file,
        delivered_at,
        row_number() over (
            partition by scope
            order by period desc, version desc, delivered_at desc, batch_id desc
        ) as recency
    from deliveries
    where
        feed = 'registry'
        and kind = 'snapshot'
        and status = 'landed'
        and {{ period_start('period') }} <= {{ as_of_date() }}
),

final as (
    select
        batch_id,
        county_code,
        registry_period,
        delivery_version,
        source_file,
        delivered_at
    from landed
    where recency = 1
)

select * from final
