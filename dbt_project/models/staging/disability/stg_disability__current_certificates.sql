-- 残疾人证 as of the check date: the certificates of the latest landed snapshot whose month has
-- begun on as_of (a full snapshot: a certificate absent from it is no longer held), one row per
-- holder (M05).
with

certificates as (
    select * from {{ ref('stg_disability__certificates') }}
),

current_snapshot as (
    select max(snapshot_month) as snapshot_month
    from certificates
    where snapshot_month <= {{ as_of_date() }}
),

ranked as (
    select
        certificates.*,
        row_number() over (
            partition by certificates.id_number
            order by certificates.issued_on desc nulls last, certificates.source_row desc
        ) as recency
    from certificates
    inner join current_snapshot
        on certificates.snapshot_month = current_snapshot.snapshot_month
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
