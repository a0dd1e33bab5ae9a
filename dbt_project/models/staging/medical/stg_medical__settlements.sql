-- 医保结算: one row per settlement line of every landed month (quarantined lines excluded).
-- A reversal ({结算ID}-R, negative amounts, possibly months later) stays a row of its own,
-- linked to its original; effective_date is the original's 结算日期, so a 12-month sum nets the
-- reversal against its original whatever month it arrives in (policy.md M02).
-- A table, not a view like the rest of staging: a big feed's typing (dates, amounts, ID
-- checks: ~100 us a row) ran again for each of its data tests and each model reading it
-- (issue 16 bench: 14 tests made the medical view 70% of a county's dbt build).
{{ config(materialized='table', post_hook='analyze {{ this }}') }}
with

source as (
    {{ landed_rows('medical', 'medical__settlement') }}
),

renamed as (
    select
        {{ clean_text('"结算ID"') }} as settlement_id,
        {{ clean_text('"证件号码"') }} as id_number_raw,
        {{ normalize_id_number('"证件号码"') }} as id_number,
        {{ id_number_is_valid('"证件号码"') }} as id_number_valid,
        {{ clean_text('"姓名"') }} as name,
        {{ clean_text('"就诊类型"') }} as visit_type,
        {{ clean_text('"医疗机构"') }} as medical_institution,
        {{ parse_date('"入院日期"') }} as admission_date,
        {{ parse_date('"出院日期"') }} as discharge_date,
        {{ clean_text('"诊断编码"') }} as diagnosis_code,
        {{ clean_text('"诊断名称"') }} as diagnosis_name,
        {{ parse_amount('"总费用"') }} as total_cost,
        {{ parse_amount('"基本医保支付"') }} as basic_insurance_paid,
        {{ parse_amount('"大病保险支付"') }} as serious_illness_insurance_paid,
        {{ parse_amount('"医疗救助支付"') }} as medical_assistance_paid,
        {{ parse_amount('"个人自付"') }} as self_pay,
        {{ parse_date('"结算日期"') }} as settlement_date,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
),

settlements as (
    select
        *,
        coalesce(upper(settlement_id) like '%-R', false) as is_reversal,
        (case
            when upper(settlement_id) like '%-R'
                then left(settlement_id, length(settlement_id) - 2)
        end) as original_settlement_id
    from renamed
),

-- One original per settlement ID (a duplicate line must not multiply the reversal).
originals as (
    select distinct on (settlement_id)
        settlement_id,
        settlement_date,
        batch_id,
        source_row
    from settlements
    where not is_reversal
    order by settlement_id asc, delivery_period desc, source_row asc
),

final as (
    select
        settlements.settlement_id,
        settlements.is_reversal,
        settlements.original_settlement_id,
        originals.settlement_date as original_settlement_date,
        originals.batch_id as original_batch_id,
        originals.source_row as original_source_row,
        settlements.id_number_raw,
        settlements.id_number,
        settlements.id_number_valid,
        settlements.name,
        settlements.visit_type,
        settlements.medical_institution,
        settlements.admission_date,
        settlements.discharge_date,
        settlements.diagnosis_code,
        settlements.diagnosis_name,
        settlements.total_cost,
        settlements.basic_insurance_paid,
        settlements.serious_illness_insurance_paid,
        settlements.medical_assistance_paid,
        settlements.self_pay,
        settlements.settlement_date,
        coalesce(originals.settlement_date, settlements.settlement_date) as effective_date,
        {{ period_start('settlements.delivery_period') }} as settlement_month,
        settlements.batch_id,
        settlements.source_file,
        settlements.source_row,
        settlements.delivery_period,
        settlements.delivery_version,
        settlements.delivered_at
    from settlements
    left join originals
        on settlements.original_settlement_id = originals.settlement_id
)

select * from final
