-- 帮扶责任人: one row per assignment line of every landed monthly full snapshot (quarantined
-- lines excluded). Each snapshot lists the assignments present that month; an assignment that
-- disappears from a later snapshot has ended (stg_assistance__current_cadre_assignments).
with

source as (
    {{ landed_rows('assistance', 'assistance__cadre') }}
),

renamed as (
    select
        {{ clean_text('"帮扶责任人证件号码"') }} as cadre_id_number_raw,
        {{ normalize_id_number('"帮扶责任人证件号码"') }} as cadre_id_number,
        {{ id_number_is_valid('"帮扶责任人证件号码"') }} as cadre_id_number_valid,
        {{ clean_text('"姓名"') }} as cadre_name,
        {{ clean_text('"单位名称"') }} as unit_name,
        {{ clean_text('"单位层级"') }} as unit_level,
        {{ clean_text('"联系电话"') }} as phone,
        {{ clean_text('"帮扶户编号"') }} as household_id,
        {{ parse_date('"开始日期"') }} as start_date,
        {{ parse_date('"结束日期"') }} as end_date,
        {{ period_start('_delivery_period') }} as snapshot_month,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
)

select * from renamed
