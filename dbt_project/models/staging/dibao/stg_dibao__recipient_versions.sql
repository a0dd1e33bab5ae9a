-- 低保/特困/临时救助 history: every landed version of every recipient row, typed; valid_to is
-- the next version's change time (NULL for the newest). Quarantined versions are left out.
with

source as (
    {{ landed_rows('dibao', 'dibao__recipient') }}
),

renamed as (
    select
        {{ parse_integer('recipient_id') }}::bigint as recipient_id,
        {{ clean_text('id_number') }} as id_number_raw,
        {{ normalize_id_number('id_number') }} as id_number,
        {{ id_number_is_valid('id_number') }} as id_number_valid,
        {{ clean_text('name') }} as recipient_name,
        {{ clean_text('head_id_number') }} as head_id_number_raw,
        {{ normalize_id_number('head_id_number') }} as head_id_number,
        {{ clean_text('region_code') }} as region_code,
        {{ clean_text('assistance_type') }} as assistance_type,
        {{ parse_amount('monthly_amount') }} as monthly_amount,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
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
        lead(updated_at) over (partition by recipient_id order by updated_at) as valid_to
    from renamed
)

select * from final
