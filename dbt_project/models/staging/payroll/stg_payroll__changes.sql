-- 财政供养人员 monthly changes: one row per change (变动类型 新增 / 减少) of every landed change list.
with

source as (
    {{ landed_rows('payroll', 'payroll__change') }}
),

final as (
    select
        {{ payroll_columns() }},
        {{ clean_text('"变动类型"') }} as change_type,
        {{ period_start('_delivery_period') }} as change_month,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version
    from source
)

select * from final
