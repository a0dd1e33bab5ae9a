-- Published (warehouse-contract.md §3): one row per feed × delivery with its rows received,
-- rejected (quarantined), fixed (a steward correction or a _vN that passed) and still open.
-- A row is counted once however many of its fields were quarantined: open while any of its
-- entries is open, else fixed when one was fixed (a superseded row is neither).
with

deliveries as (
    select * from {{ source('ops', 'delivery') }}
    where status <> 'landing'
),

quarantined as (
    select * from {{ source('ops', 'quarantine') }}
),

row_states as (
    select
        batch_id,
        raw_table,
        source_row,
        bool_or(status = 'open') as is_open,
        bool_or(status = 'fixed') as is_fixed
    from quarantined
    group by batch_id, raw_table, source_row
),

per_batch as (
    select
        batch_id,
        count(*) as rows_rejected,
        count(*) filter (where not is_open and is_fixed) as rows_fixed,
        count(*) filter (where is_open) as rows_open
    from row_states
    group by batch_id
),

final as (
    select
        deliveries.feed,
        deliveries.batch_id,
        deliveries.delivered_at,
        deliveries.status,
        deliveries.corrects_batch,
        coalesce(deliveries.rows_received, 0)::bigint as rows_received,
        coalesce(per_batch.rows_rejected, 0) as rows_rejected,
        coalesce(per_batch.rows_fixed, 0) as rows_fixed,
        coalesce(per_batch.rows_open, 0) as rows_open
    from deliveries
    left join per_batch
        on deliveries.batch_id = per_batch.batch_id
)

select * from final
