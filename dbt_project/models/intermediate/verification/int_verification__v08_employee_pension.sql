-- V08 职工参保: in the latest renshe month delivered for the check date (所属期 on or before its
-- month), a checked member pays 职工养老 (参保状态 参保缴费) with 月缴费基数 at or above the
-- threshold (pension_base_min). One row per member; evidence: the registry row, then the renshe
-- record(s).
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

insurance as (
    -- the records of the latest 所属期 on or before the check date (staging)
    select * from {{ ref('stg_renshe__current_insurance') }}
),

paying as (
    select *
    from insurance
    where
        insurance_type = '职工养老'
        and insurance_status = '参保缴费'
        and contribution_base >= {{ policy_threshold('pension_base_min') }}
),

matched as (
    select
        members.household_id,
        members.id_number,
        members.registry_evidence,
        {{ evidence_entry(
            "'renshe'", "'renshe__insurance'",
            'paying.batch_id', 'paying.source_file', 'paying.source_row',
            [
                ('id_number', 'paying.id_number'),
                ('name', 'paying.name'),
                ('insurance_type', 'paying.insurance_type'),
                ('insurance_status', 'paying.insurance_status'),
                ('employer_name', 'paying.employer_name'),
                ('contribution_base', 'paying.contribution_base'),
                ('contribution_period', 'paying.contribution_period'),
            ]
        ) }} as renshe_evidence
    from members
    inner join paying
        on members.id_number = paying.id_number
    where members.id_number_valid
),

final as (
    select
        'V08' as rule_code,
        'employee_pension' as finding,
        household_id,
        id_number,
        jsonb_build_array(registry_evidence)
        || jsonb_agg(renshe_evidence order by renshe_evidence::text) as evidence
    from matched
    group by household_id, id_number, registry_evidence
)

select * from final
