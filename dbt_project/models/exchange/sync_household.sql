-- Read by the national push (fupin/exchange/push.py): one row per household record to keep in
-- step with the national system. Only sendable records (int_exchange__household_records); the
-- others are listed in sync_unsendable with their problems.
with

records as (
    select * from {{ ref('int_exchange__household_records') }}
),

final as (
    select
        record_key,
        household_id,
        data,
        content_hash
    from records
    where sendable
)

select * from final
