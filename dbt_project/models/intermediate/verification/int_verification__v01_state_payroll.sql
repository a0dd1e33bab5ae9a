-- V01 财政供养: a checked member is on the state payroll on the check date
-- (macro is_on_state_payroll over int_payroll__staff_on_date: 在职 or 退休,
-- no 停薪日期 before as_of; a 减少 change ends the position). One row per member and
-- finding (on_payroll); evidence: the registry row, then the payroll record(s) that put the
-- member on the payroll.
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

staff as (
    select * from {{ ref('int_payroll__staff_on_date') }}
),

matched as (
    select
        members.household_id,
        members.id_number,
        members.member_key,
        members.registry_evidence,
        {{ evidence_entry(
            "'payroll'", 'staff.last_raw_table',
            'staff.batch_id', 'staff.source_file', 'staff.source_row',
            [
                ('id_number', 'staff.id_number'),
                ('name', 'staff.name'),
                ('unit_name', 'staff.unit_name'),
                ('unit_type', 'staff.unit_type'),
                ('staff_category', 'staff.staff_category'),
                ('pay_start_date', 'staff.pay_start_date'),
                ('pay_end_date', 'staff.pay_end_date'),
                ('change_type', 'staff.last_change_type'),
            ]
        ) }} as payroll_evidence
    from members
    inner join staff
        on members.id_number = staff.id_number
    where
        members.id_number_valid
        and {{ is_on_state_payroll('staff') }}
),

final as (
    select
        'V01' as rule_code,
        household_id,
        id_number,
        'on_payroll' as finding,
        jsonb_build_array(registry_evidence)
        || jsonb_agg(payroll_evidence order by payroll_evidence::text) as evidence
    from matched
    group by household_id, id_number, registry_evidence
)

select * from final
