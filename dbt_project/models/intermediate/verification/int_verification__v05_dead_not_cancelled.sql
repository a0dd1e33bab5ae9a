-- V05 死亡未销: a checked member whose hukou was cancelled with reason 死亡 before the check date
-- (policy.md §1: strictly before, as V01 reads "before"; the spine's died_on). One row per
-- member; evidence: the registry row, then the hukou record of the cancellation.
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

people as (
    select * from {{ ref('int_person__spine') }}
),

population as (
    select * from {{ ref('int_hukou__population') }}
),

dead as (
    select
        members.household_id,
        members.id_number,
        members.registry_evidence,
        {{ evidence_entry(
            "'hukou'", 'population.last_raw_table',
            'population.batch_id', 'population.source_file', 'population.source_row',
            [
                ('id_number', 'population.id_number'),
                ('name', 'population.name'),
                ('hukou_household_no', 'population.hukou_household_no'),
                ('region_code', 'population.region_code'),
                ('change_type', 'population.last_change_type'),
                ('cancel_reason', 'population.cancel_reason'),
                ('cancelled_on', 'population.cancelled_on'),
            ]
        ) }} as hukou_evidence
    from members
    inner join people
        on members.id_number = people.id_number
    inner join population
        on people.id_number = population.id_number
    where
        members.id_number_valid
        and people.is_dead
        and people.died_on < {{ as_of_date() }}
),

final as (
    select
        'V05' as rule_code,
        'dead_not_cancelled' as finding,
        household_id,
        id_number,
        jsonb_build_array(registry_evidence, hukou_evidence) as evidence
    from dead
)

select * from final
