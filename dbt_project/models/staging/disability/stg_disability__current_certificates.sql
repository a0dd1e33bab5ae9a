-- 残疾人证 as of the check date: the certificates of the latest landed snapshot whose month has
-- begun on as_of (a full snapshot: a certificate absent from it is no longer held), one row per
-- holder (M05).
with

certificates as (
    select * from {{ ref('stg_disability__certificates') }}
),

current_snapshot as (
    {{ latest_snapshot_rows('certificates', 'snapshot_month') }}
),

ranked as (
    select
        current_snapshot.*,
        row_number() over (
            partition by current_snapshot.id_number
            order by current_snapshot.issued_on desc nulls last, current_snapshot.source_row desc
        ) as recency
    from current_snapshot
),

final as (
    select
        certificate_no_raw,
        certificate_no,
        id_number_raw,
        id_number,
        id_number_valid,
        name,
        category_code,
        category,
        grade,
        certificate_category_code,
        certificate_grade,
        matches_certificate,
        issued_on,
        has_living_subsidy,
        has_care_subsidy,
        snapshot_month,
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
