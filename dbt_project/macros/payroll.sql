{#- The payroll columns (full list and changes share them), renamed and typed. -#}
{% macro payroll_columns() -%}
        {{ clean_text('"证件号码"') }} as id_number_raw,
        {{ normalize_id_number('"证件号码"') }} as id_number,
        {{ id_number_is_valid('"证件号码"') }} as id_number_valid,
        {{ clean_text('"姓名"') }} as name,
        {{ clean_text('"单位名称"') }} as unit_name,
        {{ clean_text('"单位性质"') }} as unit_type,
        {{ clean_text('"人员类别"') }} as staff_category,
        {{ parse_date('"起薪日期"') }} as pay_start_date,
        {{ parse_date('"停薪日期"') }} as pay_end_date
{%- endmacro %}
