-- Read by the national push: one row per monitoring object record (entity monitoring, key
-- 户编号), removed objects included. Only sendable records: an object whose household is not
-- sendable is listed in sync_unsendable. The push sends households first, so a new household
-- (sync_household) goes out before its monitoring record, and both wait for the registration
-- window together.
with

records as (
    select * from {{ ref('int_monitoring__object_records') }}
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
