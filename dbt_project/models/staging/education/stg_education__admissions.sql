-- 高考录取: one row per student and admission year (luqu_{YYYY}: the year's admissions; a _vN
-- correction replaces its year through the ledger). A line delivered twice (the same exam
-- number) is one admission; lines_delivered counts them. The newest admitted_at wins when one
-- person has two different admissions in a year.
with

source as (
    {{ landed_rows('education', 'education__admission') }}
),

renamed as (
    select
        {{ clean_text('exam_no') }} as exam_no,
        {{ clean_text('id_number') }} as id_number_raw,
        {{ normalize_id_number('id_number') }} as id_number,
        {{ id_number_is_valid('id_number') }} as id_number_valid,
        {{ clean_text('name') }} as name,
        {{ clean_text('university') }} as university,
        {{ clean_text('major') }} as major,
        {{ clean_text('level') }} as level,  -- noqa: RF04
        {{ parse_date('admitted_at') }} as admitted_at,
        {{ parse_integer('_delivery_period') }} as admission_year,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as delivery_period,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at
    from source
),

ranked as (
    select
        *,
        count(*) over (partition by admission_year, id_number) as lines_delivered,
        row_number() over (
            partition by admission_year, id_number
            order by admitted_at desc nulls last, source_row asc
        ) as recency
    from renamed
),

final as (
    select
        exam_no,
        id_number_raw,
        id_number,
        id_number_valid,
        name,
        university,
        major,
        level,
        admitted_at,
        admission_year,
        lines_delivered,
        batch_id,
        source_file,
        source_row,
        delivery_period,
        delivery_version,
        delivered_at
    from ranked
    where recency = 1
)

select * from final
