-- Published S01 高校录取资助 (warehouse-contract.md §3): one row per student per admission year,
-- for the education and finance departments' one-stop fee relief. Incremental so that
-- listed_on (the first check date the student was listed) survives later runs; a student no
-- longer matched (left the register) stays listed with is_listed = false.
{{ config(
    materialized='incremental',
    unique_key='aid_key',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    full_refresh=false,
) }}
with

current_list as (
    select * from {{ ref('int_services__college_admissions') }}
),

previous as (
    {{ previous_state({
        'aid_key': 'text',
        'id_number': 'text',
        'household_id': 'text',
        'hukou_household_no': 'text',
        'household_kind': 'text',
        'admission_year': 'integer',
        'name': 'text',
        'university': 'text',
        'major': 'text',
        'level': 'text',
        'admitted_on': 'date',
        'exam_no': 'text',
        'batch_id': 'text',
        'source_file': 'text',
        'source_row': 'integer',
        'listed_on': 'date',
        'last_seen': 'date',
        'is_listed': 'boolean',
    }) }}
),

final as (
    select
        coalesce(current_list.aid_key, previous.aid_key) as aid_key,
        coalesce(current_list.id_number, previous.id_number) as id_number,
        coalesce(current_list.household_id, previous.household_id) as household_id,
        case
            when current_list.aid_key is not null then current_list.hukou_household_no
            else previous.hukou_household_no
        end as hukou_household_no,
        coalesce(current_list.household_kind, previous.household_kind) as household_kind,
        coalesce(current_list.admission_year, previous.admission_year) as admission_year,
        coalesce(current_list.name, previous.name) as name,
        coalesce(current_list.university, previous.university) as university,
        coalesce(current_list.major, previous.major) as major,
        coalesce(current_list.level, previous.level) as level,
        coalesce(current_list.admitted_on, previous.admitted_on) as admitted_on,
        coalesce(current_list.exam_no, previous.exam_no) as exam_no,
        coalesce(current_list.batch_id, previous.batch_id) as batch_id,
        coalesce(current_list.source_file, previous.source_file) as source_file,
        coalesce(current_list.source_row, previous.source_row) as source_row,
        least(
            coalesce(previous.listed_on, {{ as_of_date() }}),
            case when current_list.aid_key is not null then {{ as_of_date() }} end
        ) as listed_on,
        case
            when current_list.aid_key is not null then {{ as_of_date() }}
            else previous.last_seen
        end as last_seen,
        current_list.aid_key is not null as is_listed
    from current_list
    full outer join previous
        on current_list.aid_key = previous.aid_key
)

select * from final
