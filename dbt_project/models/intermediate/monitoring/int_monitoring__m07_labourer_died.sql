-- M07 主要劳力死亡 (policy.md §2): the household's only member whose 劳动技能 is an able
-- labourer's (seed policy_monitoring_codes: 普通劳动力 / 技能劳动力) has died: the hukou
-- population cancelled them with reason 死亡 on or before the check date. One of two labourers
-- dying, or the only one moving out, is not M07.
with

households as (
    select * from {{ ref('int_monitoring__households') }}
),

members as (
    select * from {{ ref('int_registry__current_members') }}
),

population as (
    select * from {{ ref('int_hukou__population') }}
),

labourers as (
    select
        household_id,
        count(*) as labourer_count,
        min(id_number) as id_number,
        bool_and(id_number_valid) as id_number_valid
    from members
    where labour_skill in {{ monitoring_codes('labourer_skill') }}
    group by household_id
),

final as (
    select
        'M07' as rule_code,
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        labourers.id_number,
        jsonb_build_object(
            'labourer_id_number', labourers.id_number,
            'cancel_reason', population.cancel_reason,
            'cancelled_on', population.cancelled_on,
            'hukou_batch_id', population.batch_id,
            'hukou_source_file', population.source_file,
            'hukou_source_row', population.source_row
        ) as evidence
    from households
    inner join labourers
        on households.household_id = labourers.household_id
    inner join population
        on labourers.id_number = population.id_number
    where
        households.is_registered
        and labourers.labourer_count = 1
        and labourers.id_number_valid
        and population.status = 'cancelled'
        and population.cancel_reason = '死亡'
        and population.cancelled_on <= {{ as_of_date() }}
)

select * from final
