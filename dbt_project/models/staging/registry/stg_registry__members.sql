-- 建档立卡 成员信息: one row per member row of every landed registry snapshot.
-- Registry rows are the system of record: a member whose ID number fails the GB 11643 check is
-- kept here (id_number_valid = false) and reported by V10, not quarantined.
-- A table built incrementally by batch (macros/incremental_by_batch.sql): its data tests and
-- readers read typed rows instead of typing every month of every county again, and a run types
-- new workbooks only.
{{ incremental_by_batch('registry', 'registry__member') }}
with

source as (
    {{ landed_rows('registry', 'registry__member', by_batch=true) }}
),

renamed as (
    select
        {{ clean_text('"户编号"') }} as household_id,
        {{ clean_text('"姓名"') }} as name,
        {{ clean_text('"证件号码"') }} as id_number_raw,
        {{ normalize_id_number('"证件号码"') }} as id_number,
        {{ clean_text('"与户主关系"') }} as relation,
        {{ clean_text('"性别"') }} as sex_raw,
        {{ sex_code('"性别"') }} as sex_code,
        {{ clean_text('"民族"') }} as ethnicity,
        {{ clean_text('"文化程度"') }} as education,
        {{ clean_text('"在校生状况"') }} as schooling,
        {{ clean_text('"健康状况"') }} as health,
        {{ clean_text('"劳动技能"') }} as labour_skill,
        {{ clean_text('"务工状况"') }} as work_status,
        {{ parse_integer('"务工时间（月）"') }} as work_months,
        {{ parse_yes_no('"是否参加大病保险"') }} as has_serious_illness_insurance,
        {{ parse_yes_no('"是否参加城乡居民基本养老保险"') }} as has_resident_pension,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as registry_period,
        _delivery_scope as registry_county_code,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at,
        _checked_at as batch_checked_at
    from source
),

final as (
    select
        household_id,
        name,
        id_number_raw,
        id_number,
        {{ id_number_is_valid('id_number') }} as id_number_valid,
        relation,
        sex_raw,
        sex_code,
        {{ sex_label('sex_code') }} as sex,
        ethnicity,
        education,
        schooling,
        health,
        labour_skill,
        work_status,
        work_months,
        has_serious_illness_insurance,
        has_resident_pension,
        batch_id,
        source_file,
        source_row,
        registry_period,
        registry_county_code,
        delivery_version,
        delivered_at,
        batch_checked_at
    from renamed
)

select * from final
