{#- The feeds whose people the person spine (int_person__spine) lists, as of the check date:
    (feed, model, column holding the normalised ID number, column telling the number is valid or
    '' when the model keeps valid numbers only). Current-state models where a feed has one. A new
    feed is one line here. -#}
{% macro person_feed_sources() -%}
    {{ return([
        ('registry', 'int_registry__current_members', 'id_number', 'id_number_valid'),
        ('hukou', 'int_hukou__population', 'id_number', ''),
        ('payroll', 'int_payroll__staff_on_date', 'id_number', ''),
        ('medical', 'int_medical__people', 'id_number', ''),
        ('education', 'stg_education__current_enrolments', 'id_number', 'id_number_valid'),
        ('education', 'stg_education__admissions', 'id_number', 'id_number_valid'),
        ('renshe', 'stg_renshe__current_insurance', 'id_number', 'id_number_valid'),
        ('property', 'stg_property__current_registrations', 'owner_id_number', 'owner_id_number_valid'),
        ('property', 'stg_property__current_renovations', 'head_id_number', 'head_id_number_valid'),
        ('disability', 'stg_disability__current_certificates', 'id_number', 'id_number_valid'),
        ('relocation', 'stg_relocation__current_households', 'head_id_number', 'head_id_number_valid'),
        ('assistance', 'stg_assistance__current_cadre_assignments', 'cadre_id_number', 'cadre_id_number_valid'),
        ('vehicle', 'stg_vehicle__vehicles', 'owner_id_number', 'owner_id_number_valid'),
        ('business', 'stg_business__entities', 'legal_rep_id_number', 'legal_rep_id_number_valid'),
        ('business', 'stg_business__shareholders', 'id_number', 'id_number_valid'),
        ('dibao', 'stg_dibao__recipients', 'id_number', 'id_number_valid'),
    ]) }}
{%- endmacro %}

{#- Who an alert flags (policy.md §5, 识别精准率): a member named by the alert, or every member of
    the household when the alert is household-level (no ID number), as the Mashan audit counted
    people. The join condition between a CTE of registry members and one of open alerts. -#}
{% macro alert_flags_member(members, alerts) -%}
    {{ members }}.household_id = {{ alerts }}.household_id
    and ({{ alerts }}.id_number is null or {{ members }}.id_number = {{ alerts }}.id_number)
{%- endmacro %}
