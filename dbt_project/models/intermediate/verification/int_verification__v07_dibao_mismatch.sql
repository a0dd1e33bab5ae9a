-- V07 低保不符, both directions: a checked household with attribute 低保贫困户 but no member who
-- is 在保 低保 on the check date (household level: dibao_household_without_dibao), and a member
-- who is 在保 低保 while the attribute is 一般贫困户 (dibao_member_in_general_household).
-- 在保 on the check date: the recipient's current version (last updated on or before it) is of
-- type 低保 and active (staging's is_active: 在保, started, not ended before the check date).
-- Evidence: the registry rows, then the civil-affairs record(s).
with

households as (
    select * from {{ ref('int_verification__checked_households') }}
),

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

recipients as (
    -- each recipient's current version on the check date, with is_active (staging)
    select * from {{ ref('stg_dibao__recipients') }}
),

on_dibao as (
    select
        id_number,
        {{ evidence_entry(
            "'dibao'", "'dibao__recipient'",
            'batch_id', 'source_request', 'source_row',
            [
                ('recipient_id', 'recipient_id'),
                ('id_number', 'id_number'),
                ('name', 'recipient_name'),
                ('assistance_type', 'assistance_type'),
                ('status', 'status'),
                ('start_date', 'start_date'),
                ('end_date', 'end_date'),
                ('updated_at', 'updated_at'),
            ]
        ) }} as dibao_evidence
    from recipients
    where
        assistance_type = '低保'
        and is_active
),

member_dibao as (
    select
        members.household_id,
        members.id_number,
        members.registry_evidence,
        on_dibao.dibao_evidence
    from members
    inner join on_dibao
        on members.id_number = on_dibao.id_number
    where members.id_number_valid
),

household_without as (
    select
        'dibao_household_without_dibao' as finding,
        households.household_id,
        null::text as id_number,
        jsonb_build_array(households.household_evidence) as evidence
    from households
    where
        households.attribute = '低保贫困户'
        and households.household_id not in (
            select member_dibao.household_id from member_dibao
        )
),

member_in_general as (
    select
        'dibao_member_in_general_household' as finding,
        member_dibao.household_id,
        member_dibao.id_number,
        jsonb_build_array(households.household_evidence, member_dibao.registry_evidence)
        || jsonb_agg(member_dibao.dibao_evidence order by member_dibao.dibao_evidence::text)
            as evidence
    from member_dibao
    inner join households
        on member_dibao.household_id = households.household_id
    where households.attribute = '一般贫困户'
    group by
        member_dibao.household_id,
        member_dibao.id_number,
        households.household_evidence,
        member_dibao.registry_evidence
),

final as (
    select
        'V07' as rule_code,
        finding,
        household_id,
        id_number,
        evidence
    from household_without
    union all
    select
        'V07' as rule_code,
        finding,
        household_id,
        id_number,
        evidence
    from member_in_general
)

select * from final
