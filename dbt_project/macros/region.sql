{#- One block of int_region__facts: `metric` of each region of `relation` (by `region_column`),
    broken down by `dimension` (an expression over the relation; none: dimension 'total').
    `value` is an aggregate expression. -#}
{% macro region_fact(relation, region_column, metric, value, dimension=none, name=none) -%}
    select
        {{ region_column }} as region_code,
        '{{ metric }}' as metric,
        '{{ name or ("total" if dimension is none else dimension) }}' as dimension,
        {{ "''" if dimension is none else "coalesce(" ~ dimension ~ "::text, '未知')" }}
            as dimension_value,
        ({{ value }})::numeric as value
    from {{ relation }}
    group by {{ region_column }}{{ ", " ~ dimension if dimension is not none }}
{%- endmacro %}
