-- 企业帮扶: one row per aid line of every landed month (quarantined lines excluded). The target
-- is a village (村, 12-digit code) or a household (户, 20-digit 户编号, whose first 12 digits are
-- its village); aid_month is the file's month.
with

source as (
    {{ landed_rows('assistance', 'assistance__enterprise_aid') }}
),

renamed as (
    select
        {{ normalize_uscc('"企业统一社会信用代码"') }} as uscc,
        {{ clean_text('"企业名称"') }} as enterprise_name,
        {{ clean_text('"帮扶对象类型"') }} as target_type,
        {{ clean_text('"帮扶对象代码"') }} as target_code,
        {{ clean_text('"帮扶方式"') }} as method,  -- noqa: RF04
        {{ parse_amount('"帮扶金额（元）"') }} as amount,
        {{ parse_integer('"受益人数"') }} as beneficiaries,
        {{ parse_date('"帮扶日期"') }} as aid_date,
        {{ period_start('_delivery_period') }} as aid_month,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
),

final as (
    select
        uscc,
        enterprise_name,
        target_type,
        target_code,
        left(target_code, 12) as village_code,
        (case when target_type = '户' then target_code end) as household_id,
        method,
        amount,
        beneficiaries,
        aid_date,
        aid_month,
        batch_id,
        source_file,
        source_row,
        delivery_period,
        delivery_version,
        delivered_at
    from renamed
)

select * from final
