-- Published: the poverty index (脱贫指数, policy.md §4), one row per registered household: the
-- score 0-100 from the indicator tree of var poverty_index_tree, its band, and the breakdown
-- (every indicator of the tree, at every level -> points) that explains it.
{%- set tree = poverty_index_tree() %}
with

features as (
    select * from {{ ref('int_index__household_features') }}
),

-- One row per household and field (the features model's columns by name).
facts as (
    select
        features.household_id,
        fact.key as field,
        fact.value::numeric as value
    from features
    cross join lateral jsonb_each_text(to_jsonb(features) - 'household_id' - 'village_code') as fact
),

leaves as (
    select *
    from (
        values
        {%- for leaf in tree.leaves %}
        (
            {{ index_text(leaf.code) }}, {{ index_text(leaf.field) }},
            {{ index_text(leaf.function) }}, {{ index_number(leaf.low) }},
            {{ index_number(leaf.high) }}, {{ index_number(leaf.points) }}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as tree_leaves (indicator_code, field, scoring_function, low, high, points)
),

-- Each leaf and every node above it (its own code included): a node's points are its leaves'.
leaf_nodes as (
    select *
    from (
        values
        {%- for leaf in tree.leaves %}
        {%- set outer = loop %}
        {%- for node in leaf.path %}
        ({{ index_text(leaf.code) }}, {{ index_text(node) }})
        {{- "," if not (outer.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    ) as tree_paths (indicator_code, node_code)
),

leaf_points as (
    select
        facts.household_id,
        leaves.indicator_code,
        {{ index_points(
            'facts.value', 'leaves.scoring_function', 'leaves.low', 'leaves.high', 'leaves.points'
        ) }} as points
    from facts
    inner join leaves
        on facts.field = leaves.field
),

node_points as (
    select
        leaf_points.household_id,
        leaf_nodes.node_code,
        round(sum(leaf_points.points), 2) as points
    from leaf_points
    inner join leaf_nodes
        on leaf_points.indicator_code = leaf_nodes.indicator_code
    group by leaf_points.household_id, leaf_nodes.node_code
),

scores as (
    select
        household_id,
        round(sum(points), 2) as score
    from leaf_points
    group by household_id
),

breakdowns as (
    select
        household_id,
        jsonb_object_agg(node_code, points order by node_code) as breakdown
    from node_points
    group by household_id
),

final as (
    select
        features.household_id,
        features.village_code,
        left(features.village_code, 6) as county_code,
        coalesce(scores.score, 0)::numeric(5, 2) as score,
        case
            when coalesce(scores.score, 0) < {{ var('poverty_index_poor_below') }} then '贫困'
            when coalesce(scores.score, 0) < {{ var('poverty_index_stable_from') }}
                then '可能贫困'
            else '稳定脱贫'
        end as band,
        coalesce(breakdowns.breakdown, '{}'::jsonb) as breakdown,
        {{ index_text(tree.name) }}::text as tree_name,
        {{ as_of_date() }} as as_of
    from features
    left join scores
        on features.household_id = scores.household_id
    left join breakdowns
        on features.household_id = breakdowns.household_id
)

select * from final
