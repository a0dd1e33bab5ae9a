-- V02 车辆: a checked member owns a vehicle whose current version (the last one changed on or
-- before the check date) has a counted status (正常), a type and a usage not excluded
-- (摩托车 / 三轮汽车 / 拖拉机, 农用: seed policy_code_lists) and a purchase price at or above
-- the threshold (vehicle_price_min, seed policy_thresholds); an unknown price is the finding
-- vehicle_price_unknown (severity low). One row per member and finding; evidence: the registry
-- row, then each counted vehicle's current version.
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

vehicles as (
    -- the current version of each vehicle on the check date (staging: current_as_of)
    select * from {{ ref('stg_vehicle__vehicles') }}
),

counted as (
    select
        vehicles.*,
        case
            when vehicles.purchase_price is null then 'vehicle_price_unknown'
            else 'vehicle'
        end as finding
    from vehicles
    where
        vehicles.status in {{ policy_codes('vehicle_counted_statuses') }}
        and vehicles.vehicle_type not in {{ policy_codes('vehicle_excluded_types') }}
        and coalesce(vehicles.vehicle_usage, '')
        not in {{ policy_codes('vehicle_excluded_usages') }}
        and (
            vehicles.purchase_price is null
            or vehicles.purchase_price >= {{ policy_threshold('vehicle_price_min') }}
        )
),

matched as (
    select
        members.household_id,
        members.id_number,
        members.registry_evidence,
        counted.finding,
        {{ evidence_entry(
            "'vehicle'", "'vehicle__registration'",
            'counted.batch_id', 'counted.source_request', 'counted.source_row',
            [
                ('plate_no', 'counted.plate_no'),
                ('owner_id_number', 'counted.owner_id_number'),
                ('owner_name', 'counted.owner_name'),
                ('vehicle_type', 'counted.vehicle_type'),
                ('usage', 'counted.vehicle_usage'),
                ('purchase_price', 'counted.purchase_price'),
                ('status', 'counted.status'),
                ('updated_at', 'counted.updated_at'),
            ]
        ) }} as vehicle_evidence
    from members
    inner join counted
        on members.id_number = counted.owner_id_number
    where members.id_number_valid
),

final as (
    select
        'V02' as rule_code,
        finding,
        household_id,
        id_number,
        jsonb_build_array(registry_evidence)
        || jsonb_agg(vehicle_evidence order by vehicle_evidence::text) as evidence
    from matched
    group by household_id, id_number, registry_evidence, finding
)

select * from final
