-- Published: one row per member of a registered household, current (warehouse-contract.md §3).
{%- set content_columns = [
    'household_id', 'id_number', 'id_number_raw', 'name', 'relation', 'sex', 'birth_date',
    'ethnicity', 'education', 'schooling', 'health', 'labour_skill', 'work_status', 'work_months',
    'has_serious_illness_insurance', 'has_resident_pension',
] %}
with

members as (
    select * from {{ ref('int_registry__current_members') }}
),

final as (
    select
        member_key,
        household_id,
        id_number,
        id_number_raw,
        id_number_valid,
        name,
        relation,
        sex,
        sex_code,
        sex_raw,
        birth_date,
        ethnicity,
        education,
        schooling,
        health,
        labour_skill,
        work_status,
        work_months,
        has_serious_illness_insurance,
        has_resident_pension,
        {{ row_hash(content_columns) }} as record_hash,
        registry_period,
        registry_county_code,
        batch_id,
        source_file,
        source_row
    from members
)

select * from final
