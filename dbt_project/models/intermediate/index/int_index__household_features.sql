-- The household facts the poverty index's rules score (policy.md §4), one row per registered
-- household, every column numeric (flags 0/1) so the tree's rules can read any of them by name.
-- A rule's field must be a column of this model (fupin/index/tree.py reads the YAML).
with

households as (
    select * from {{ ref('int_registry__current_households') }}
),

members as (
    select * from {{ ref('int_registry__current_members') }}
),

renovations as (
    select * from {{ ref('stg_property__current_renovations') }}
),

poverty_lines as (
    select * from {{ ref('int_policy__poverty_lines') }}
),

-- The line in force in the check year: the latest policy year not after it.
line as (
    select amount
    from poverty_lines
    where policy_year <= extract(year from {{ as_of_date() }})
    order by policy_year desc
    limit 1
),

renovated as (
    select distinct head_id_number
    from renovations
    where renovation_status = '已竣工'
),

member_facts as (
    select
        household_id,
        count(*) as members,
        count(*) filter (
            where labour_skill in ('普通劳动力', '技能劳动力')
        ) as labourers,
        count(*) filter (where labour_skill = '技能劳动力') as skilled_labourers,
        count(*) filter (
            where labour_skill in ('普通劳动力', '技能劳动力')
            and work_status is not null and work_status <> '无'
        ) as employed_labourers,
        -- compulsory schooling age 6-15 on the check date
        count(*) filter (
            where date_part('year', age({{ as_of_date() }}, birth_date)) between 6 and 15
        ) as school_age,
        count(*) filter (
            where date_part('year', age({{ as_of_date() }}, birth_date)) between 6 and 15
            and schooling is not null and schooling not in ('非在校生', '学前教育')
        ) as school_age_in_school,
        count(*) filter (
            where date_part('year', age({{ as_of_date() }}, birth_date)) >= 16
        ) as adults,
        count(*) filter (
            where date_part('year', age({{ as_of_date() }}, birth_date)) >= 16
            and education in ('初中', '高中', '中专', '大专及以上')
        ) as adults_with_junior_school
    from members
    group by household_id
),

final as (
    select
        households.household_id,
        households.village_code,
        case
            when households.house_danger_level in ('无', 'A', 'B') then 1
            when renovated.head_id_number is not null then 1
            else 0
        end::numeric as house_safe,
        case when renovated.head_id_number is null then 0 else 1 end::numeric as house_renovated,
        households.has_safe_drinking_water::int::numeric as safe_drinking_water,
        round(households.housing_area_m2 / nullif(households.size, 0), 2)::numeric
            as housing_area_per_capita,
        households.net_income_per_capita::numeric as income_per_capita,
        round(households.net_income_per_capita / nullif(line.amount, 0), 4)::numeric
            as income_to_line,
        round(member_facts.labourers::numeric / nullif(member_facts.members, 0), 4)
            as labour_share,
        member_facts.skilled_labourers::numeric as skilled_labourers,
        -- no labourers: nobody to employ, 0 (the labour share already scores the lack)
        coalesce(
            round(member_facts.employed_labourers::numeric / nullif(member_facts.labourers, 0), 4),
            0
        ) as employed_share,
        -- no child of school age: nobody out of school, 1
        coalesce(
            round(
                member_facts.school_age_in_school::numeric / nullif(member_facts.school_age, 0), 4
            ),
            1
        ) as school_age_in_school,
        round(
            member_facts.adults_with_junior_school::numeric / nullif(member_facts.adults, 0), 4
        ) as adult_schooling_share
    from households
    cross join line
    left join member_facts
        on households.household_id = member_facts.household_id
    left join renovated
        on households.head_id_number = renovated.head_id_number
)

select * from final
