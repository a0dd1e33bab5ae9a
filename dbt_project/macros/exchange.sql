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

{#- The columns of a household record for the national system from ``relation``'s household_id,
    data and problems: its key, content hash and sendability (no problems). -#}
{% macro household_record_columns(relation) -%}
    'household' as entity,
        {{ relation }}.household_id as record_key,
        {{ relation }}.household_id,
        {{ relation }}.data,
        md5({{ relation }}.data::text) as content_hash,
        {{ relation }}.problems,
        cardinality({{ relation }}.problems) = 0 as sendable
{%- endmacro %}
