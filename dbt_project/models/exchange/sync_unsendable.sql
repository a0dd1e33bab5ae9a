-- The records the national push does not send because their content is not valid to send,
-- with the reasons: a to-do list for the stewards (the push does not read this table). A record
-- leaves it, and enters its sync_* model, once its source is corrected.
with

households as (
    select * from {{ ref('int_exchange__household_records') }}
),

members as (
    select * from {{ ref('int_exchange__member_records') }}
),

monitoring as (
    select * from {{ ref('int_monitoring__object_records') }}
),

final as (
    select
        entity,
        record_key,
        household_id,
        problems,
        data
    from households
    where not sendable
    union all
    select
        entity,
        record_key,
        household_id,
        problems,
        data
    from members
    where not sendable
    union all
    select
        entity,
        record_key,
        household_id,
        problems,
        data
    from monitoring
    where not sendable
)

select * from final
