-- Published: the poverty index (脱贫指数, policy.md §4), one row per registered household: the
-- score 0-100 from the indicator tree of var poverty_index_tree, its band, and the breakdown
-- (every indicator of the tree, at every level -> points) that explains it.
{%- set tree = poverty_index_tree() %}
{%- set leaves, node_leaves = poverty_index_leaves(tree) %}
with

features as (
    select * from {{ ref('int_index__household_features') }}
),

-- Every leaf's points, a column each, in one pass over the households: the tree is known at
-- compile time, so each leaf is an expression over its field (no unpivot of every household
-- into rows and no regrouping, which cost seconds a hundred thousand households).
leaf_points as (
    select
        features.household_id,
        features.village_code,
        {{ index_leaf_points(leaves, 'features') }}
    from features
),

-- A node's points are the sum of its leaves' (its own code included when it is a leaf).
scored as (
    select
        leaf_points.household_id,
        leaf_points.village_code,
        {{ index_points_sum(range(1, leaves | length + 1)) }} as score,
        {{ index_breakdown(node_leaves) }} as breakdown
    from leaf_points
),

final as (
    select
        household_id,
        village_code,
        left(village_code, 6) as county_code,
        coalesce(score, 0)::numeric(5, 2) as score,
        case
            when coalesce(score, 0) < {{ var('poverty_index_poor_below') }} then '贫困'
            when coalesce(score, 0) < {{ var('poverty_index_stable_from') }}
                then '可能贫困'
            else '稳定脱贫'
        end as band,
        coalesce(breakdown, '{}'::jsonb) as breakdown,
        {{ index_text(tree.name) }}::text as tree_name,
        {{ as_of_date() }} as as_of
    from scored
)

select * from final
