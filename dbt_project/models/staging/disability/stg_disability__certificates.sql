-- 残疾人证: one row per certificate line of every landed monthly snapshot (quarantined lines
-- excluded). The 20-character number is the holder's 18-character ID number + 1-digit 类别 +
-- 1-digit 等级; both are parsed from it and cross-checked with the 残疾类别 / 残疾等级 columns
-- (the quality suite quarantines a disagreement; matches_certificate shows it here too).
-- A table built incrementally by batch (macros/incremental_by_batch.sql): its data tests and
-- readers no longer type every month again on each build, and its tests read new months only.
{{ incremental_by_batch('disability', 'disability__certificate') }}
with

source as (
    {{ landed_rows('disability', 'disability__certificate', by_batch=true) }}
),

renamed as (
    select
        {{ clean_text('"残疾人证号"') }} as certificate_no_raw,
        upper({{ clean_text('"残疾人证号"') }}) as certificate_no,
        substr({{ clean_text('"残疾人证号"') }}, 1, 18) as id_number_raw,
        {{ normalize_id_number('substr(btrim("残疾人证号"), 1, 18)') }} as id_number,
        {{ id_number_is_valid('substr(btrim("残疾人证号"), 1, 18)') }} as id_number_valid,
        {{ clean_text('"姓名"') }} as name,
        {{ parse_integer('"残疾类别"') }} as category_code,
        {{ parse_integer('"残疾等级"') }} as grade,
        {{ parse_integer('substr(btrim("残疾人证号"), 19, 1)') }} as certificate_category_code,
        {{ parse_integer('substr(btrim("残疾人证号"), 20, 1)') }} as certificate_grade,
        {{ parse_date('"发证日期"') }} as issued_on,
        {{ parse_yes_no('"困难残疾人生活补贴"') }} as has_living_subsidy,
        {{ parse_yes_no('"重度残疾人护理补贴"') }} as has_care_subsidy,
        {{ period_start('_delivery_period') }} as snapshot_month,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at,
        _checked_at as batch_checked_at
    from source
),

final as (
    select
        certificate_no_raw,
        certificate_no,
        id_number_raw,
        id_number,
        id_number_valid,
        name,
        category_code,
        {{ disability_category_label('category_code') }} as category,
        grade,
        certificate_category_code,
        certificate_grade,
        coalesce(
            length(certificate_no) = 20
            and category_code = certificate_category_code
            and grade = certificate_grade,
            false
        ) as matches_certificate,
        issued_on,
        has_living_subsidy,
        has_care_subsidy,
        snapshot_month,
        batch_id,
        source_file,
        source_row,
        delivery_period,
        delivery_version,
        delivered_at,
        batch_checked_at
    from renamed
)

select * from final
