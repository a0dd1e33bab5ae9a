-- 不动产登记: one row per registration line of every landed weekly file (quarantined lines
-- excluded). A 首次 / 转移登记 carries the later 注销登记 of the same 不动产权证号, if any
-- (cancelled_on and where it was delivered), so "acquired and not later cancelled" is visible.
with

source as (
    {{ landed_rows('property', 'property__registration') }}
),

renamed as (
    select
        {{ clean_text('"不动产权证号"') }} as certificate_no,
        {{ clean_text('"权利人证件号码"') }} as owner_id_number_raw,
        {{ normalize_id_number('"权利人证件号码"') }} as owner_id_number,
        {{ id_number_is_valid('"权利人证件号码"') }} as owner_id_number_valid,
        {{ clean_text('"权利人姓名"') }} as owner_name,
        {{ clean_text('"坐落"') }} as location,  -- noqa: RF04
        {{ clean_text('"区划代码"') }} as region_code,
        {{ clean_text('"房屋用途"') }} as usage,  -- noqa: RF04
        {{ parse_decimal('"建筑面积"') }} as floor_area_m2,
        {{ clean_text('"登记类型"') }} as registration_type,
        {{ parse_date('"登记日期"') }} as registration_date,
        {{ parse_amount('"交易价格"') }} as transaction_price,
        {{ period_start('_delivery_period') }} as file_date,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
),

cancellations as (
    select
        certificate_no,
        registration_date,
        batch_id,
        source_row
    from renamed
    where registration_type = '注销登记'
),

final as (
    select
        renamed.certificate_no,
        renamed.owner_id_number_raw,
        renamed.owner_id_number,
        renamed.owner_id_number_valid,
        renamed.owner_name,
        renamed.location,
        renamed.region_code,
        renamed.usage,
        renamed.floor_area_m2,
        renamed.registration_type,
        renamed.registration_date,
        renamed.transaction_price,
        cancellation.registration_date as cancelled_on,
        cancellation.batch_id as cancellation_batch_id,
        cancellation.source_row as cancellation_source_row,
        renamed.file_date,
        renamed.batch_id,
        renamed.source_file,
        renamed.source_row,
        renamed.delivery_period,
        renamed.delivery_version,
        renamed.delivered_at
    from renamed
    left join lateral (
        select
            cancellations.registration_date,
            cancellations.batch_id,
            cancellations.source_row
        from cancellations
        where
            renamed.registration_type in ('首次登记', '转移登记')
            and cancellations.certificate_no = renamed.certificate_no
            and cancellations.registration_date >= renamed.registration_date
        order by cancellations.registration_date asc, cancellations.source_row asc
        limit 1
    ) as cancellation on true
)

select * from final
