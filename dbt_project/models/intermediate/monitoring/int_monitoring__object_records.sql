-- The national monitoring record (entity monitoring, key 户编号; national-exchange.md: type,
-- risk codes, first seen, removed on) of every monitoring object, removed ones included (the
-- national side learns the removal date), and the reasons it cannot be sent: its household is
-- not sendable (registered and unsendable, or outside the province), so the national system
-- would hold it as unknown_household.
with

objects as (
    select * from {{ ref('monitoring_object') }}
),

households as (
    select * from {{ ref('int_exchange__household_records') }}
),

records as (
    select
        objects.household_id,
        jsonb_build_object(
            'household_id', objects.household_id,
            'object_type', objects.object_type,
            'risk_codes', to_jsonb(objects.risk_codes),
            'first_seen', to_char(objects.first_seen, 'YYYY-MM-DD'),
            'removed_on', to_char(objects.removed_on, 'YYYY-MM-DD')
        ) as data,
        array_remove(
            array[
                case
                    when households.household_id is null then 'household has no national record'
                    when not households.sendable then 'household is not sendable'
                end,
                case when objects.object_type is null then 'object_type is missing' end
            ],
            null
        ) as problems
    from objects
    left join households
        on objects.household_id = households.household_id
),

final as (
    select
        'monitoring' as entity,
        household_id as record_key,
        household_id,
        data,
        md5(data::text) as content_hash,
        problems,
        cardinality(problems) = 0 as sendable
    from records
)

select * from final
