-- 市场主体登记 history: every landed version of every entity, typed; valid_to is the next
-- version's change time (NULL for the newest). Quarantined versions are left out.
with

source as (
    {{ landed_rows('business', 'business__entity') }}
),

renamed as (
    select
        {{ clean_text('uscc') }} as uscc,
        {{ clean_text('name') }} as entity_name,
        {{ clean_text('entity_type') }} as entity_type,
        {{ clean_text('legal_rep_id_number') }} as legal_rep_id_number_raw,
        {{ normalize_id_number('legal_rep_id_number') }} as legal_rep_id_number,
        {{ id_number_is_valid('legal_rep_id_number') }} as legal_rep_id_number_valid,
        {{ clean_text('legal_rep_name') }} as legal_rep_name,
        {{ parse_decimal('registered_capital_wan') }} as registered_capital_wan,
        {{ parse_date('established_on') }} as established_on,
        {{ clean_text('status') }} as status,
        {{ clean_text('region_code') }} as region_code,
        {{ source_change_time('changed_at') }} as changed_at,
        changed_at as changed_at_text,
        _batch_id as batch_id,
        _source_file as source_request,
        _source_row as source_row
    from source
),

final as (
    select
        *,
        lead(changed_at) over (partition by uscc order by changed_at) as valid_to
    from renamed
)

select * from final
