-- 学籍: one row per student line of every landed xueji snapshot (all terms; quarantined lines
-- excluded). snapshot_date is the file's date; stg_education__current_enrolments picks the
-- snapshot in force on the check date.
with

source as (
    {{ landed_rows('education', 'education__enrolment') }}
),

renamed as (
    select
        {{ clean_text('student_no') }} as student_no,
        {{ clean_text('id_number') }} as id_number_raw,
        {{ normalize_id_number('id_number') }} as id_number,
        {{ id_number_is_valid('id_number') }} as id_number_valid,
        {{ clean_text('name') }} as name,
        {{ clean_text('school_code') }} as school_code,
        {{ clean_text('school_name') }} as school_name,
        {{ clean_text('stage') }} as stage,  -- noqa: RF04
        {{ parse_integer('grade') }} as grade,
        {{ clean_text('status') }} as status,
        {{ clean_text('region_code') }} as region_code,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ period_start('_delivery_period') }} as snapshot_date,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
)

select * from renamed
