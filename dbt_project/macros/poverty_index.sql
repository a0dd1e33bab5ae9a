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
