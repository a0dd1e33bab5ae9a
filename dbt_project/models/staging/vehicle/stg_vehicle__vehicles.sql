-- 机动车登记 current state: one row per plate, its newest version changed on or before the
-- check date (var as_of).
with

versions as (
    {{ current_as_of('stg_vehicle__vehicle_versions', 'plate_no', 'updated_at') }}
),

final as (
    select
        plate_no,
        owner_id_number_raw,
        owner_id_number,
        owner_id_number_valid,
        owner_name,
        vehicle_type,
        vehicle_usage,
        register_date,
        purchase_price,
        status,
        updated_at,
        batch_id,
        source_request,
        source_row
    from versions
)

select * from final
