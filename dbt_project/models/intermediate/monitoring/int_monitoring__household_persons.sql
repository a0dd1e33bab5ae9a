-- Who belongs to each monitored household (int_monitoring__households), by normalised ID
-- number: the registry members with a valid ID number of a registered household, and every
-- hukou person of the 户号 of a household that is not registered (cancelled persons included:
-- a bill paid before a death or a move is still the household's expense). M02 sums their
-- 个人自付; the object type looks for civil-affairs recipients among them.
-- Incremental by the hukou households a change names (macros/monitoring_households.sql).
{%- set plan = monitoring_households_plan() %}
{{ incremental_by_hukou_household(indexes=[
    {'columns': ['id_number']}, {'columns': ['household_key']}
]) }}
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

registered as (
    select distinct
        households.household_key,
        members.id_number,
        'active' as status
    from households
    inner join members
        on households.household_id = members.household_id
    where
        households.is_registered
        and members.id_number_valid
        and {{ plan.mode == 'full' }}  -- the registry's alone: kept unless built in full
),

unregistered as (
    select
        households.household_key,
        population.id_number,
        population.status
    from households
    inner join population
        on households.hukou_household_no = population.hukou_household_no
    where
        not households.is_registered
        and {{ in_changed_hukou_households(plan, 'households.hukou_household_no') }}
),

final as (
    select * from registered
    union all
    select * from unregistered
)

select * from final
