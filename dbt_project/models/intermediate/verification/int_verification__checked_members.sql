-- The members the V rules check (policy.md §1): members of the checked households
-- (int_verification__checked_households). registry_evidence is the member's registry row as an
-- alert evidence entry.
with

members as (
    select * from {{ ref('int_registry__current_members') }}
),

checked_households as (
    select * from {{ ref('int_verification__checked_households') }}
),

final as (
    select
        members.member_key,
        members.household_id,
        members.id_number,
        members.id_number_raw,
        members.id_number_valid,
        members.birth_date,
        members.name,
        members.relation,
        checked_households.poverty_status,
        checked_households.check_reason,
        members.batch_id,
        members.source_file,
        members.source_row,
        {{ evidence_entry(
            "'registry'", "'registry__member'",
            'members.batch_id', 'members.source_file', 'members.source_row',
            [
                ('household_id', 'members.household_id'),
                ('name', 'members.name'),
                ('id_number_raw', 'members.id_number_raw'),
                ('id_number', 'members.id_number'),
                ('relation', 'members.relation'),
                ('registry_period', 'members.registry_period'),
            ]
        ) }} as registry_evidence
    from members
    inner join checked_households
        on members.household_id = checked_households.household_id
)

select * from final
