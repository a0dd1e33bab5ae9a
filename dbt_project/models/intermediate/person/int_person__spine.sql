-- The person spine: one row per normalised, valid ID number seen in any feed as of the check
-- date (macro person_feed_sources), with the hukou population as the reference for who the
-- person is (name, birth date, 户号, village, alive or dead) and the feeds and registry
-- households the person appears in. Rules and services join people through it.
with

feed_people as (
    {%- for feed, model_name, id_column, valid_column in person_feed_sources() %}
    select distinct
        '{{ feed }}' as feed,
        {{ id_column }} as id_number
    from {{ ref(model_name) }}
    where
        {{ id_column }} is not null
        {%- if valid_column %}
        and {{ valid_column }}
        {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
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
),

memberships as (
    select
        id_number,
        array_agg(distinct household_id order by household_id) as registry_household_ids
    from {{ ref('int_registry__current_members') }}
    where id_number_valid
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
        people.feeds,
        {{ as_of_date() }} as as_of
    from people
    left join population
        on people.id_number = population.id_number
    left join memberships
        on people.id_number = memberships.id_number
)

select * from final
