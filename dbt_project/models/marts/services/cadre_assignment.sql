-- Published S03 帮扶干部 (warehouse-contract.md §3): one row per cadre × household × start date
-- as of the check date, current and ended ones; from a household to its current cadre
-- (household_id, is_current) and from a cadre to all of their households (cadre_id_number).
-- History in snapshot cadre_assignment_history. No phone number (personal information).
{{ config(indexes=[{'columns': ['household_id']}, {'columns': ['cadre_id_number']}]) }}
{%- set content_columns = [
    'household_id', 'cadre_id_number', 'cadre_name', 'unit_name', 'unit_level',
    'start_date', 'end_date', 'end_reason', 'is_current',
] %}
with

assignments as (
    select * from {{ ref('int_services__cadre_assignments') }}
),

final as (
    select
        assignment_key,
        household_id,
        cadre_id_number,
        cadre_name,
        unit_name,
        unit_level,
        start_date,
        end_date,
        end_reason,
        is_current,
        first_listed_period,
        last_listed_period,
        batch_id,
        source_file,
        source_row,
        {{ row_hash(content_columns) }} as record_hash,
        {{ as_of_date() }} as as_of
    from assignments
)

select * from final
