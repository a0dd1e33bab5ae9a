-- The registry household spine: one row per household of the current registry (as of the
-- check date) with what the rules and services need about it, and its members' valid ID
-- numbers (the people of the spine it holds).
{{ config(indexes=[{'columns': ['household_id'], 'unique': true}]) }}

with

households as (
    select * from {{ ref('int_registry__current_households') }}
),

members as (
    select * from {{ ref('int_registry__current_members') }}
),

member_summary as (
    select
        household_id,
        count(*)::integer as member_count,
        coalesce(
            array_agg(distinct id_number order by id_number) filter (where id_number_valid),
            '{}'
        ) as member_id_numbers
    from members
    group by household_id
),

final as (
    select
        households.household_id,
        households.village_code,
        households.registry_county_code as county_code,
        households.head_name,
        households.head_id_number,
        households.head_id_number_valid,
        households.attribute,
        households.poverty_status,
        households.exit_year,
        households.identified_year,
        households.size,
        households.net_income_per_capita,
        coalesce(member_summary.member_count, 0) as member_count,
        coalesce(member_summary.member_id_numbers, '{}') as member_id_numbers,
        households.batch_id,
        households.source_file,
        households.source_row,
        households.registry_period
    from households
    left join member_summary
        on households.household_id = member_summary.household_id
)

select * from final
