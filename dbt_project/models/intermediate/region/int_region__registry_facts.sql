-- The additive facts of the assessment statistics (policy.md §5) that count the registry's
-- households and people (by attribute, cause, status, sex, education): one row per village x
-- metric x dimension value. Apart from int_region__facts, whose other facts follow the daily
-- feeds and the check date (ages, income features, the hukou population, alerts, monitoring,
-- relocation, aid, data quality): a daily hukou delta leaves these as they were
-- (build_cache.sql), and they are most of the work (every member counted five times).
with

-- a household without a village is in no region
households as (
    select * from {{ ref('household') }}
    where village_code is not null
),

members as (
    select * from {{ ref('member') }}
),

people as (
    select
        households.village_code,
        households.attribute,
        households.main_cause,
        households.poverty_status,
        members.sex,
        members.education
    from members
    inner join households
        on members.household_id = households.household_id
),

facts as (
    {%- for dimension in [none, 'attribute', 'main_cause', 'poverty_status'] %}
    {{ region_fact('households', 'village_code', 'households', 'count(*)', dimension) }}
    union all
    {%- endfor %}
    {#- by age band: int_region__facts (the age on the check date) -#}
    {%- for dimension in [none, 'attribute', 'main_cause', 'sex', 'education'] %}
    {{ region_fact('people', 'village_code', 'people', 'count(*)', dimension) }}
    union all
    {%- endfor %}
    {{ region_fact(
        'people', 'village_code', 'poor_people',
        "count(*) filter (where poverty_status in ('未脱贫', '返贫'))"
    ) }}
),

final as (
    select * from facts
)

select * from final
