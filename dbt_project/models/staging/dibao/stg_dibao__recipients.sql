-- 低保/特困/临时救助 current state: one row per recipient row (recipient_id), its newest version
-- changed on or before the check date (var as_of). is_active: 在保 on the check date.
with

versions as (
    {{ current_as_of('stg_dibao__recipient_versions', 'recipient_id', 'updated_at') }}
),

final as (
    select
        recipient_id,
        id_number_raw,
        id_number,
        id_number_valid,
        recipient_name,
        head_id_number_raw,
        head_id_number,
        region_code,
        assistance_type,
        monthly_amount,
        start_date,
        end_date,
        status,
        (
            status = '在保'
            and coalesce(start_date <= {{ as_of_date() }}, true)
            and coalesce(end_date >= {{ as_of_date() }}, true)
        ) as is_active,
        updated_at,
        batch_id,
        source_request,
        source_row
    from versions
)

select * from final
