-- 人社 社保与就业: one row per line of every landed month (a _vN correction replaces its file's
-- month through the ledger; quarantined lines excluded). contribution_month is the row's own
-- 所属期, which is what the rules read.
-- A table, not a view like the rest of staging: a big feed's typing (dates, amounts, ID
-- checks: ~100 us a row) ran again for each of its data tests and each model reading it
-- (issue 16 bench: 14 tests made the medical view 70% of a county's dbt build). Built
-- incrementally by batch (macros/incremental_by_batch.sql): a run types new months only.
{{ incremental_by_batch('renshe', 'renshe__insurance', indexes=[
    {'columns': ['id_number']}, {'columns': ['contribution_month']}
]) }}
with

source as (
    {{ landed_rows('renshe', 'renshe__insurance', by_batch=true) }}
),

renamed as (
    select
        {{ clean_text('"证件号码"') }} as id_number_raw,
        {{ normalize_id_number('"证件号码"') }} as id_number,
        {{ id_number_is_valid('"证件号码"') }} as id_number_valid,
        {{ clean_text('"姓名"') }} as name,
        {{ clean_text('"参保险种"') }} as insurance_type,
        {{ clean_text('"参保状态"') }} as insurance_status,
        {{ clean_text('"单位名称"') }} as employer_name,
        {{ normalize_uscc('"单位统一社会信用代码"') }} as employer_uscc,
        {{ parse_amount('"月缴费基数"') }} as contribution_base,
        {{ clean_text('"就业状态"') }} as employment_status,
        {{ clean_text('"务工地区划"') }} as work_region_code,
        {{ clean_text('"所属期"') }} as contribution_period,
        {{ parse_date('btrim("所属期") || ' ~ "'01'") }} as contribution_month,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at,
        _checked_at as batch_checked_at
    from source
)

select * from renamed
