{#- The indicator tree of the poverty index (policy.md §4): var poverty_index_tree, the
    flattened, validated tree that fupin/index/tree.py makes from the operator's YAML file
    (fupin.dbt_runner passes the default tree when the caller passes none). -#}
{% macro poverty_index_tree() -%}
    {%- set tree = var('poverty_index_tree', none) -%}
    {%- if tree is mapping and tree.get('leaves') -%}
        {{ return(tree) }}
    {%- endif -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'snapshot', 'retry') -%}
        {{ exceptions.raise_compiler_error("var poverty_index_tree is missing: build through fupin (fupin.index.tree.dbt_vars) so the indicator tree file is validated and passed") }}
    {%- endif -%}
    {#- parse, compile, lint, docs outside fupin: a one-leaf stand-in, never built -#}
    {{ return({
        'name': 'stand-in (var poverty_index_tree not given)',
        'nodes': [{'code': 'X', 'name': 'stand-in', 'weight': 100, 'parent': none, 'level': 1}],
        'leaves': [{'code': 'X', 'field': 'house_safe', 'function': 'at_least', 'low': 1,
                    'high': none, 'points': 100, 'path': ['X']}],
    }) }}
{%- endmacro %}

{#- A text literal (single quotes doubled). -#}
{% macro index_text(value) -%}
    {%- if value is none -%} null {%- else -%} '{{ value | string | replace("'", "''") }}' {%- endif -%}
{%- endmacro %}

{#- A numeric literal or null. -#}
{% macro index_number(value) -%}
    {%- if value is none -%} null::numeric {%- else -%} {{ value }}::numeric {%- endif -%}
{%- endmacro %}

{#- The points a leaf gives for one value (fupin/index/tree.py FUNCTIONS); missing value: 0
    (tested first: greatest/least skip nulls, so linear would give a null all its points). -#}
{% macro index_points(value, function, low, high, points) -%}
    coalesce(
        case
            when {{ value }} is null then 0
            when {{ function }} = 'at_least' then case when {{ value }} >= {{ low }} then {{ points }} else 0 end
            when {{ function }} = 'at_most' then case when {{ value }} <= {{ high }} then {{ points }} else 0 end
            when {{ function }} = 'equals' then case when {{ value }} = {{ low }} then {{ points }} else 0 end
            when {{ function }} = 'linear' then {{ points }} * greatest(
                0, least(1, ({{ value }} - {{ low }}) / ({{ high }} - {{ low }}))
            )
        end,
        0
    )
{%- endmacro %}

{#- The leaves a build scores (a field that is not a number, the key or the village, cannot be
    scored) and, for every node, the numbers (1-based) of its leaves: (leaves, node_leaves). -#}
{% macro poverty_index_leaves(tree) -%}
    {%- set leaves = tree.leaves | rejectattr('field', 'in', ['household_id', 'village_code'])
        | list -%}
    {%- if not leaves -%}
        {{ exceptions.raise_compiler_error("the poverty index tree scores no numeric field") }}
    {%- endif -%}
    {%- set node_leaves = {} -%}
    {%- for leaf in leaves -%}
        {%- set number = loop.index -%}
        {%- for node in leaf.path -%}
            {%- do node_leaves.setdefault(node, []).append(number) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return((leaves, node_leaves)) }}
{%- endmacro %}

{#- The column name of leaf number ``n``. -#}
{% macro index_leaf_column(n) -%}
    {{ adapter.quote('leaf ' ~ n) }}
{%- endmacro %}

{#- One column of points per leaf, over the features row (select-list items). -#}
{% macro index_leaf_points(leaves, features) -%}
    {%- for leaf in leaves %}
        {{ index_points(
            features ~ '.' ~ adapter.quote(leaf.field) ~ '::numeric', index_text(leaf.function),
            index_number(leaf.low), index_number(leaf.high), index_number(leaf.points)
        ) }} as {{ index_leaf_column(loop.index) }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The rounded sum of the given leaves' points. -#}
{% macro index_points_sum(numbers) -%}
    round(
        {%- for n in numbers %}{{ index_leaf_column(n) }}{{ " + " if not loop.last }}{% endfor -%}
    , 2)
{%- endmacro %}

{#- jsonb node code -> points of every node (jsonb_build_object takes at most 50 pairs: a large
    tree's breakdown is joined from parts). -#}
{% macro index_breakdown(node_leaves) -%}
    {%- for part in node_leaves | dictsort | batch(50) %}
        jsonb_build_object(
            {%- for node, numbers in part %}
            {{ index_text(node) }}, {{ index_points_sum(numbers) }}{{ "," if not loop.last }}
            {%- endfor %}
        ){{ " ||" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
