{#- The hukou columns (delta and full share them), renamed and typed. -#}
{% macro hukou_columns() -%}
        {{ clean_text('"公民身份号码"') }} as id_number_raw,
        {{ normalize_id_number('"公民身份号码"') }} as id_number,
        {{ id_number_is_valid('"公民身份号码"') }} as id_number_valid,
        {{ clean_text('"姓名"') }} as name,
        {{ sex_code('"性别"') }} as sex_code,
        {{ sex_label(sex_code('"性别"')) }} as sex,
        {{ clean_text('"出生日期"') }} as birth_date_raw,
        {{ parse_date('"出生日期"') }} as birth_date,
        {{ clean_text('"民族"') }} as ethnicity_code,
        {{ clean_text('"户号"') }} as hukou_household_no,
        {{ clean_text('"与户主关系"') }} as relation_code,
        {{ hukou_relation_label('"与户主关系"') }} as relation,
        {{ clean_text('"户籍地区划"') }} as region_code,
        {{ clean_text('"变动类型"') }} as change_type,
        {{ clean_text('"注销原因"') }} as cancel_reason,
        {{ clean_text('"变动日期"') }} as change_date_raw,
        {{ parse_date('"变动日期"') }} as change_date
{%- endmacro %}

{#- Hukou 与户主关系 2-digit code -> the registry's relation word (department-feeds.md). -#}
{% macro hukou_relation_label(column) -%}
    (case btrim({{ column }})
        when '01' then '户主'
        when '10' then '配偶'
        when '20' then '子'
        when '30' then '女'
        when '40' then '孙子女'
        when '50' then '父母'
        when '70' then '兄弟姐妹'
        when '99' then '其他'
    end)
{%- endmacro %}
