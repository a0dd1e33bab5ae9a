-- 易地扶贫搬迁: one row per household row of every landed quarterly snapshot (quarantined rows
-- excluded). The quarter comes from the file name (banqian_{YYYYQ}).
with

source as (
    {{ landed_rows('relocation', 'relocation__household') }}
),

renamed as (
    select
        {{ clean_text('"户编号"') }} as household_id,
        {{ clean_text('"户主证件号码"') }} as head_id_number_raw,
        {{ normalize_id_number('"户主证件号码"') }} as head_id_number,
        {{ id_number_is_valid('"户主证件号码"') }} as head_id_number_valid,
        {{ clean_text('"迁出村代码"') }} as origin_village_code,
        {{ clean_text('"安置点名称"') }} as resettlement_site,
        {{ clean_text('"安置点区划"') }} as resettlement_region_code,
        {{ parse_integer('"搬迁年度"') }} as relocation_year,
        {{ parse_yes_no('"是否入住"') }} as has_moved_in,
        {{ parse_date('"入住日期"') }} as moved_in_on,
        {{ parse_integer('"家庭劳动力人数"') }} as labourers,
        {{ parse_integer('"已就业人数"') }} as employed,
        {{ parse_amount('"户年收入"') }} as household_income,
        -- noqa: disable=RF04
        substr(_delivery_period, 1, 4) || 'Q' || substr(_delivery_period, 5, 1) as quarter,
        -- noqa: enable=RF04
        {{ quarter_start('_delivery_period') }} as quarter_start,
        {{ quarter_end('_delivery_period') }} as quarter_end,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
)

select * from renamed
