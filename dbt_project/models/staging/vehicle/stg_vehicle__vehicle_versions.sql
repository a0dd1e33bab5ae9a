-- 机动车登记 history: every landed version of every plate, typed; valid_to is the next
-- version's change time (NULL for the newest). Quarantined versions are left out.
with

source as (
    {{ landed_rows('vehicle', 'vehicle__registration') }}
),

renamed as (
    select
        {{ clean_text('plate_no') }} as plate_no,
        {{ clean_text('owner_id_number') }} as owner_id_number_raw,
        {{ normalize_id_number('owner_id_number') }} as owner_id_number,
        {{ id_number_is_valid('owner_id_number') }} as owner_id_number_valid,
        {{ clean_text('owner_name') }} as owner_name,
        {{ clean_text('vehicle_type') }} as vehicle_type,
        {{ clean_text('usage') }} as vehicle_usage,
        {{ parse_date('register_date') }} as register_date,
        {{ parse_amount('purchase_price') }} as purchase_price,
        {{ clean_text('status') }} as status,
        {{ source_change_time('updated_at') }} as updated_at,
        _batch_id as batch_id,
        _source_file as source_request,
        _source_row as source_row
    from source
),

final as (
    select
        *,
        lead(updated_at) over (partition by plate_no order by updated_at) as valid_to
    from renamed
)

select * from final
