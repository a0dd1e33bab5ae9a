-- 学籍 as of the check date: the latest landed snapshot dated on or before as_of. A snapshot is
-- the whole register, so a student absent from it has no current record (M03 reads that as "no
-- 学籍"). One row per person: two lines of one ID number in a snapshot keep the newest.
with

enrolments as (
    select * from {{ ref('stg_education__enrolments') }}
),

current_snapshot as (
    {{ latest_snapshot_rows('enrolments', 'snapshot_date') }}
),

ranked as (
    select
        current_snapshot.*,
        count(*) over (partition by current_snapshot.id_number) as lines_in_snapshot,
        row_number() over (
            partition by current_snapshot.id_number
            order by current_snapshot.updated_at desc nulls last, current_snapshot.source_row desc
        ) as recency
    from current_snapshot
),

final as (
    select
        student_no,
        id_number_raw,
        id_number,
        id_number_valid,
        name,
        school_code,
        school_name,
        stage,
        grade,
        status,
        region_code,
        updated_at,
        snapshot_date,
        lines_in_snapshot,
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
