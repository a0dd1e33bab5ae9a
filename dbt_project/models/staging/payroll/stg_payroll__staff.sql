-- 财政供养人员 yearly full list: one row per listed person and unit of every landed list.
with

source as (
    {{ landed_rows('payroll', 'payroll__full') }}
),

final as (
    select
        {{ payroll_columns() }},
        {{ parse_integer('_delivery_period') }} as list_year,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version
    from source
)

select * from final
