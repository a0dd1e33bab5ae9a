-- Read by the national push: one row per member record (key 户编号|证件号码). Only sendable
-- records: a member whose ID number fails the GB 11643 check, or whose household is not
-- sendable, is listed in sync_unsendable instead.
with

records as (
    select * from {{ ref('int_exchange__member_records') }}
),

final as (
    select
        record_key,
        household_id,
        id_number,
        data,
        content_hash
    from records
    where sendable
)

select * from final
