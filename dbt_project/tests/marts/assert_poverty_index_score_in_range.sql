-- The poverty index is a 0-100 score whose breakdown's first level sums to it.
with

scores as (
    select * from {{ ref('poverty_index') }}
),

tree as (
    select * from {{ ref('poverty_index_indicator') }}
),

first_level as (
    select
        scores.household_id,
        scores.score,
        sum((scores.breakdown ->> tree.indicator_code)::numeric) as first_level_points
    from scores
    inner join tree
        on tree.indicator_level = 1
    group by scores.household_id, scores.score
)

select *
from first_level
where score < 0 or score > 100 or abs(score - first_level_points) > 0.05
