-- Members of the current registry snapshot of every county, one row per household and
-- member. A member is identified by (household_id, id_number); a member without any ID
-- number keeps its own row (member_key uses the source row). A member listed twice in the
-- same household keeps the last row of the latest period.
with

members as (
    select * from {{ ref('stg_registry__members') }}
),

current_batches as (
    select * from {{ ref('int_registry__current_batches') }}
),

keyed as (
    select
        members.*,
        members.household_id || '|' || coalesce(
            members.id_number, '#' || members.batch_id || ':' || members.source_row::text
        ) as member_key
    from members
    inner join current_batches
        on members.batch_id = current_batches.batch_id
    where members.household_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by member_key
            order by registry_period desc, source_row desc
        ) as recency
    from keyed
),

final as (
    select
        member_key,
        household_id,
        id_number,
        id_number_raw,
        id_number_valid,
        {{ birth_date_from_id('id_number', 'id_number_valid') }} as birth_date,
        name,
        relation,
        sex_code,
        sex,
        sex_raw,
        ethnicity,
        education,
        schooling,
        health,
        labour_skill,
        work_status,
        work_months,
        has_serious_illness_insurance,
        has_resident_pension,
        batch_id,
        source_file,
        source_row,
        registry_period,
        registry_county_code
    from ranked
    where recency = 1
)

select * from final
