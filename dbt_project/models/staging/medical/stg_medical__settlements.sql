-- 医保结算: one row per settlement line of every landed month (quarantined lines excluded).
-- A reversal ({结算ID}-R, negative amounts, possibly months later) stays a row of its own,
-- linked to its original; effective_date is the original's 结算日期, so a 12-month sum nets the
-- reversal against its original whatever month it arrives in (policy.md M02).
-- A view over the typed lines (stg_medical__settlement_lines, built incrementally by batch):
-- the link crosses months, so it is made on read, by an index lookup per reversal. Reversals
-- and other lines are read apart, so a reader of ordinary lines pays no lookup at all.
with

lines as (
    select * from {{ ref('stg_medical__settlement_lines') }}
),

ordinary as (
    select
        settlement_id,
        is_reversal,
        original_settlement_id,
        cast(null as date) as original_settlement_date,
        cast(null as text) as original_batch_id,
        cast(null as integer) as original_source_row,
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
        settlement_date as effective_date,
        settlement_month,
        batch_id,
        source_file,
        source_row,
        delivery_period,
        delivery_version,
        delivered_at
    from lines
    where not is_reversal
),

reversals as (
    select
        lines.settlement_id,
        lines.is_reversal,
        lines.original_settlement_id,
        original.settlement_date as original_settlement_date,
        original.batch_id as original_batch_id,
        original.source_row as original_source_row,
        lines.id_number_raw,
        lines.id_number,
        lines.id_number_valid,
        lines.name,
        lines.visit_type,
        lines.medical_institution,
        lines.admission_date,
        lines.discharge_date,
        lines.diagnosis_code,
        lines.diagnosis_name,
        lines.total_cost,
        lines.basic_insurance_paid,
        lines.serious_illness_insurance_paid,
        lines.medical_assistance_paid,
        lines.self_pay,
        lines.settlement_date,
        coalesce(original.settlement_date, lines.settlement_date) as effective_date,
        lines.settlement_month,
        lines.batch_id,
        lines.source_file,
        lines.source_row,
        lines.delivery_period,
        lines.delivery_version,
        lines.delivered_at
    from lines
    -- One original per settlement ID, the latest month's first line (a duplicate line must
    -- not multiply the reversal).
    left join lateral (
        select
            candidate.settlement_date,
            candidate.batch_id,
            candidate.source_row
        from {{ ref('stg_medical__settlement_lines') }} as candidate
        where
            candidate.settlement_id = lines.original_settlement_id
            and not candidate.is_reversal
        order by candidate.delivery_period desc, candidate.source_row asc
        limit 1
    ) as original on true
    where lines.is_reversal
),

final as (
    select * from ordinary
    union all
    select * from reversals
)

select * from final
