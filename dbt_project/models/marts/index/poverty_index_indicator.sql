-- Published: the indicator tree the poverty index was scored with (var poverty_index_tree),
-- one row per node at every level: what the keys of poverty_index.breakdown mean.
{%- set tree = poverty_index_tree() %}
with

nodes as (
    select *
    from (
        values
        {%- for node in tree.nodes %}
        (
            {{ index_text(node.code) }}, {{ index_text(node.name) }},
            {{ index_text(node.parent) }}, {{ node.level }}, {{ index_number(node.weight) }}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as tree_nodes (indicator_code, indicator_name, parent_code, indicator_level, weight)
),

final as (
    select
        indicator_code,
        indicator_name,
        parent_code::text as parent_code,
        indicator_level,
        weight
    from nodes
)

select * from final
