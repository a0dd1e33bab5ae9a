-- 危房改造: one row per rating / renovation line of every landed weekly file (quarantined lines
-- excluded). A household is identified by its head's ID number (户主证件号码) and village.
with

source as (
    {{ landed_rows('property', 'property__renovation') }}
),

renamed as (
    select
        {{ clean_text('"户主证件号码"') }} as head_id_number_raw,
        {{ normalize_id_number('"户主证件号码"') }} as head_id_number,
        {{ id_number_is_valid('"户主证件号码"') }} as head_id_number_valid,
        {{ clean_text('"村代码"') }} as village_code,
        {{ clean_text('"鉴定等级"') }} as danger_level,
        {{ clean_text('"改造状态"') }} as renovation_status,
        {{ parse_date('"鉴定日期"') }} as rated_on,
        {{ parse_date('"竣工日期"') }} as completed_on,
        {{ period_start('_delivery_period') }} as file_date,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
)

select * from renamed
