-- Every household record the national system receives: the registered households'
-- (int_exchange__registered_household_records) and the new households of return-to-poverty
-- monitoring (int_monitoring__household_records: monitoring objects that are not registered,
-- with reserved 户编号).
with

registered as (
    select * from {{ ref('int_exchange__registered_household_records') }}
),

monitoring as (
    select * from {{ ref('int_monitoring__household_records') }}
),

final as (
    select
        entity,
        record_key,
        household_id,
        data,
        content_hash,
        problems,
        sendable
    from registered
    union all
    select
        entity,
        record_key,
        household_id,
        data,
        content_hash,
        problems,
        sendable
    from monitoring
)

select * from final
