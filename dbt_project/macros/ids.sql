{#- ID numbers: the warehouse's SQL functions (migration 0001, sql_functions.sql) are the one
    implementation, shared with fupin/ids.py; these macros only call them. -#}

{% macro normalize_id_number(column) -%}
    ops.normalize_id_number({{ column }})
{%- endmacro %}

{% macro id_number_is_valid(column) -%}
    coalesce(ops.id_number_is_valid({{ column }}), false)
{%- endmacro %}

{#- The birth date encoded in a valid normalised ID number (characters 7-14), else NULL. -#}
{% macro birth_date_from_id(id_column, valid_column) -%}
    (case when {{ valid_column }} then to_date(substr({{ id_column }}, 7, 8), 'YYYYMMDD') end)
{%- endmacro %}

{#- GB/T 2261.1 sex code from a registry/hukou value: 1 / 男 -> '1', 2 / 女 -> '2'. -#}
{% macro sex_code(column) -%}
    (case btrim({{ column }})
        when '1' then '1' when '男' then '1' when '1.0' then '1'
        when '2' then '2' when '女' then '2' when '2.0' then '2'
    end)
{%- endmacro %}

{% macro sex_label(code_expression) -%}
    (case {{ code_expression }} when '1' then '男' when '2' then '女' end)
{%- endmacro %}
