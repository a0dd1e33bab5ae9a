-- Published: the assessment statistics (精准考核, policy.md §5) of every region at every level
-- (province, city, county, township, village), one row per region x metric x dimension value.
-- Additive metrics are the sums of int_region__facts over the region's code prefix, so children
-- add up to their parent; rates and means are derived per region from those sums.
with

facts as (
    select * from {{ ref('int_region__facts') }}
),

names as (
    select * from {{ ref('region_names') }}
),

levels as (
    select *
    from (
        values (2, 'province'), (4, 'city'), (6, 'county'), (9, 'township'), (12, 'village')
    ) as region_levels (code_length, region_level)
),

additive as (
    select
        left(facts.region_code, levels.code_length) as region_code,
        levels.region_level,
        facts.metric,
        facts.dimension,
        facts.dimension_value,
        sum(facts.value) as value
    from facts
    inner join levels
        on length(facts.region_code) >= levels.code_length
    group by
        left(facts.region_code, levels.code_length),
        levels.region_level,
        facts.metric,
        facts.dimension,
        facts.dimension_value
),

-- rate = numerator / denominator (its 'total' row); complement: 1 - that (识别精准率)
ratio_definitions as (
    select *
    from (
        values
        ('poverty_incidence', 'poor_people', 'total', 'hukou_population', false),
        (
            'income_per_capita_mean', 'income_per_capita_sum', 'total', 'households_with_income',
            false
        ),
        ('above_line_rate', 'households_above_line', 'total', 'households_with_income', false),
        ('identification_accuracy', 'flagged_people', 'total', 'people', true),
        ('flagged_people_share', 'flagged_people', 'rule', 'people', false),
        (
            'relocation_occupancy_rate', 'relocation_moved_in', 'total', 'relocation_households',
            false
        ),
        (
            'relocation_employment_rate', 'relocation_employed', 'total', 'relocation_labourers',
            false
        ),
        (
            'relocation_income_mean', 'relocation_income_sum', 'total', 'relocation_households',
            false
        ),
        ('poverty_index_mean', 'poverty_index_score_sum', 'total', 'households', false)
    ) as definitions (metric, numerator, numerator_dimension, denominator, is_complement)
),

ratios as (
    select
        denominators.region_code,
        denominators.region_level,
        ratio_definitions.metric,
        ratio_definitions.numerator_dimension as dimension,
        coalesce(numerators.dimension_value, '') as dimension_value,
        round(
            case
                when ratio_definitions.is_complement
                    then 1 - coalesce(numerators.value, 0) / denominators.value
                else coalesce(numerators.value, 0) / denominators.value
            end,
            4
        ) as value
    from ratio_definitions
    inner join additive as denominators
        on
            ratio_definitions.denominator = denominators.metric
            and denominators.dimension = 'total'
            and denominators.value > 0
    left join additive as numerators
        on
            ratio_definitions.numerator = numerators.metric
            and ratio_definitions.numerator_dimension = numerators.dimension
            and denominators.region_code = numerators.region_code
    where ratio_definitions.numerator_dimension = 'total' or numerators.value is not null
),

stats as (
    select
        *,
        true as is_additive
    from additive
    union all
    select
        *,
        false as is_additive
    from ratios
),

final as (
    select
        stats.region_code,
        stats.region_level,
        names.region_name,
        stats.metric,
        stats.dimension,
        stats.dimension_value,
        stats.value,
        stats.is_additive,
        {{ as_of_date() }} as as_of
    from stats
    left join names
        on stats.region_code = names.region_code
)

select * from final
