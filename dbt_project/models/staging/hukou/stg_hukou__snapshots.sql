-- 户籍 monthly full: one row per person line of every landed full snapshot. snapshot_date is
-- the last day of the snapshot's month (README: "Hukou population").
-- A table, not a view like the rest of staging: a big feed's typing (dates, amounts, ID
-- checks: ~100 us a row) ran again for each of its data tests and each model reading it
-- (issue 16 bench: 14 tests made the medical view 70% of a county's dbt build). Built
-- incrementally by batch (macros/incremental_by_batch.sql): a run types new snapshots only.
-- id_number indexed: int_hukou__population recomputes the persons a delta names.
{{ incremental_by_batch('hukou', 'hukou__full', indexes=[{'columns': ['id_number']}]) }}
with

source as (
    {{ landed_rows('hukou', 'hukou__full', by_batch=true) }}
),

final as (
    select
        {{ hukou_columns() }},
        {{ period_end('_delivery_period') }} as snapshot_date,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _checked_at as batch_checked_at
    from source
)

select * from final
