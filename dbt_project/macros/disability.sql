{#- 残疾类别 code (1-7, department-feeds.md) -> its name. -#}
{% macro disability_category_label(code_expression) -%}
    (case {{ code_expression }}
        when 1 then '视力'
        when 2 then '听力'
        when 3 then '言语'
        when 4 then '肢体'
        when 5 then '智力'
        when 6 then '精神'
        when 7 then '多重'
    end)
{%- endmacro %}
