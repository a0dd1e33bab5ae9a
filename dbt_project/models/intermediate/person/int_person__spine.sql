-- The person spine: one row per normalised, valid ID number seen in any feed as of the check
-- date (macro person_feed_sources), with the hukou population as the reference for who the
-- person is (name, birth date, 户号, village, alive or dead) and the feeds and registry
-- households the person appears in. Rules and services join people through it.
-- Incremental by the persons whose row may have changed (macros/person_spine.sql): a daily
-- hukou delta recomputes the persons it names, not the whole spine.
-- Built after the monitoring household models, which read the 户号 a person had here:
-- depends_on: {{ ref('int_monitoring__households') }}
-- depends_on: {{ ref('int_monitoring__household_persons') }}
{%- set plan = spine_plan() %}
{{ incremental_by_change(
    'spine_prepare', 'spine_state', indexes=[{'columns': ['feeds'], 'type': 'gin'}]
) }}
with

feed_people as (
    {{- spine_feed_people(person_feed_sources(), plan) }}
),

people as (
    select
        id_number,
        array_agg(distinct feed order by feed) as feeds
    from feed_people
    group by id_number
),

population as (
    select * from {{ ref('int_hukou__population') }}
    where {{ in_change_scope(plan, 'id_number', 'spine_persons') }}
),

memberships as (
    select
        id_number,
        array_agg(distinct household_id order by household_id) as registry_household_ids
    from {{ ref('int_registry__current_members') }}
    where id_number_valid and {{ in_change_scope(plan, 'id_number', 'spine_persons') }}
    group by id_number
),

final as (
    select
        people.id_number,
        population.name,
        population.sex,
        population.birth_date,
        population.hukou_household_no,
        population.region_code as village_code,
        left(population.region_code, 6) as county_code,
        population.id_number is not null as in_hukou,
        population.status as hukou_status,
        population.cancel_reason,
        population.cancelled_on,
        case
            when population.cancel_reason = '死亡' then population.cancelled_on
        end as died_on,
        coalesce(population.status = 'cancelled' and population.cancel_reason = '死亡', false)
            as is_dead,
        coalesce(memberships.registry_household_ids, '{}') as registry_household_ids,
        coalesce(cardinality(memberships.registry_household_ids), 0) as registry_household_count,
        people.feeds
    from people
    left join population
        on people.id_number = population.id_number
    left join memberships
        on people.id_number = memberships.id_number
)

select * from final
