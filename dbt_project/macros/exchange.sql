{#- A problem text when a coded field holds a value outside its registry code list (seed
    registry_codes), else NULL. -#}
{% macro code_problem(field_expression, code_list, label) -%}
    case
        when
            {{ field_expression }} is not null
            and {{ field_expression }} not in (
                select registry_codes.code
                from {{ ref('registry_codes') }} as registry_codes
                where registry_codes.code_list = '{{ code_list }}'
            )
            then '{{ label }}: unknown code ' || {{ field_expression }}
    end
{%- endmacro %}
