-- 医保结算: one typed row per settlement line of every landed month (quarantined lines
-- excluded), with whether it is a reversal ({结算ID}-R) and of which settlement.
-- stg_medical__settlements links each reversal to its original across months.
-- A table built incrementally by batch (macros/incremental_by_batch.sql): the typing (dates,
-- amounts, ID checks) is most of the feed's cost, and a run pays it for new months only.
-- Indexed for int_medical__person_self_pay, which recomputes the persons a change names: their
-- lines (id_number), the lines a move of the check date brings in or out (settlement_date),
-- and the reversals of a changed original (original_settlement_id).
{{ incremental_by_batch('medical', 'medical__settlement', indexes=[
    {'columns': ['settlement_id']},
    {'columns': ['id_number']},
    {'columns': ['settlement_date']},
    {'columns': ['original_settlement_id']},
]) }}
with

source as (
    {{ landed_rows('medical', 'medical__settlement', by_batch=true) }}
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
        {{ period_start('_delivery_period') }} as settlement_month,
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
        settlement_id,
        coalesce(upper(settlement_id) like '%-R', false) as is_reversal,
        (case
            when upper(settlement_id) like '%-R'
                then left(settlement_id, length(settlement_id) - 2)
        end) as original_settlement_id,
        id_number_raw,
        id_number,
        id_number_valid,
        name,
        visit_type,
        medical_institution,
        admission_date,
        discharge_date,
        diagnosis_code,
        diagnosis_name,
        total_cost,
        basic_insurance_paid,
        serious_illness_insurance_paid,
        medical_assistance_paid,
        self_pay,
        settlement_date,
        settlement_month,
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
