-- V06 重复登记: one ID number is a member of two or more current registry households (the
-- spine's registry_household_count). One alert per household and member: each household that
-- lists the person is told, with the registry rows of every household as evidence.
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

people as (
    select * from {{ ref('int_person__spine') }}
),

all_members as (
    select * from {{ ref('int_registry__current_members') }}
),

duplicated as (
    select people.id_number
    from people
    where people.registry_household_count >= 2
),

listings as (
    select
        all_members.id_number,
        jsonb_agg(
            {{ evidence_entry(
                "'registry'", "'registry__member'",
                'all_members.batch_id', 'all_members.source_file', 'all_members.source_row',
                [
                    ('household_id', 'all_members.household_id'),
                    ('name', 'all_members.name'),
                    ('id_number_raw', 'all_members.id_number_raw'),
                    ('id_number', 'all_members.id_number'),
                    ('relation', 'all_members.relation'),
                    ('registry_period', 'all_members.registry_period'),
                ]
            ) }}
            order by all_members.household_id
        ) as evidence
    from all_members
    inner join duplicated
        on all_members.id_number = duplicated.id_number
    where all_members.id_number_valid
    group by all_members.id_number
),

final as (
    select
        'V06' as rule_code,
        'duplicate_registration' as finding,
        members.household_id,
        members.id_number,
        listings.evidence
    from members
    inner join listings
        on members.id_number = listings.id_number
    where members.id_number_valid
)

select * from final
