{#- The feeds whose people the person spine (int_person__spine) lists: (feed, model, column
    holding the normalised ID number, column telling the number is valid or '' when the model
    keeps valid numbers only). A new feed is one line here. -#}
{% macro person_feed_sources() -%}
    {{ return([
        ('registry', 'int_registry__current_members', 'id_number', 'id_number_valid'),
        ('hukou', 'int_hukou__population', 'id_number', ''),
        ('payroll', 'int_payroll__staff_on_date', 'id_number', ''),
    ]) }}
{%- endmacro %}
