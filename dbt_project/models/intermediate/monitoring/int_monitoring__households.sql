-- The households the monitoring rules look at (policy.md §2 "Which households"): every current
-- registered household (any 脱贫标志), and every other household of the hukou population, by its
-- 户号 and the 户籍地区划 village of its head, when none of its persons is a registered member.
-- household_key: the 户编号, or 'hukou:' || 户号 for a household that is not registered.
-- Incremental by the hukou households a change names (macros/monitoring_households.sql).
{%- set plan = monitoring_households_plan() %}
{{ incremental_by_hukou_household(indexes=[
    {'columns': ['household_key'], 'unique': true}, {'columns': ['hukou_household_no']}
]) }}
with

households as (
    select * from {{ ref('int_registry__current_households') }}
),

members as (
    select * from {{ ref('int_registry__current_members') }}
),

population as (
    select * from {{ ref('int_hukou__population') }}
),

member_counts as (
    select
        household_id,
        count(*) as member_count
    from members
    group by household_id
),

registered as (
    select
        households.household_id as household_key,
        households.household_id,
        cast(null as text) as hukou_household_no,
        true as is_registered,
        households.village_code,
        households.poverty_status,
        households.attribute,
        households.net_income_per_capita,
        households.size,
        coalesce(member_counts.member_count, 0) as member_count,
        households.poverty_status in {{ monitoring_codes('poor_status') }}
        or households.attribute in {{ monitoring_codes('poor_attribute') }} as is_poor_household
    from households
    left join member_counts
        on households.household_id = member_counts.household_id
    where {{ plan.mode == 'full' }}  -- the registry's alone: kept unless built in full
),

registered_persons as (
    select distinct id_number
    from members
    where id_number_valid
),

hukou_households as (
    select
        population.hukou_household_no,
        -- the head's village; without a head on record, the most frequent one
        coalesce(
            max(population.region_code) filter (where population.relation_code = '01'),
            mode() within group (order by population.region_code)
        ) as village_code,
        count(*) filter (where population.status = 'active') as member_count,
        bool_or(registered_persons.id_number is not null) as has_registered_person
    from population
    left join registered_persons
        on population.id_number = registered_persons.id_number
    where
        population.hukou_household_no is not null
        and {{ in_changed_hukou_households(plan, 'population.hukou_household_no') }}
    group by population.hukou_household_no
),

unregistered as (
    select
        'hukou:' || hukou_household_no as household_key,
        cast(null as text) as household_id,
        hukou_household_no,
        false as is_registered,
        village_code,
        cast(null as text) as poverty_status,
        cast(null as text) as attribute,
        cast(null as numeric) as net_income_per_capita,
        cast(null as integer) as size,
        member_count,
        false as is_poor_household
    from hukou_households
    where not has_registered_person and member_count > 0
),

final as (
    select * from registered
    union all
    select * from unregistered
)

select * from final
