-- 户籍 daily delta: one row per change record of every landed delta file. file_date is the
-- delta's date (its period); change_date is 变动日期, which may be earlier (late recording).
with

source as (
    {{ landed_rows('hukou', 'hukou__delta') }}
),

final as (
    select
        {{ hukou_columns() }},
        {{ period_start('_delivery_period') }} as file_date,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version
    from source
)

select * from final
