-- 股东 (natural persons) of every entity's current version (stg_business__entities): one row per
-- shareholder. A quarantined shareholder row is left out; the entity keeps its other ones.
with

source as (
    {{ landed_rows('business', 'business__shareholder') }}
),

renamed as (
    select
        {{ clean_text('uscc') }} as uscc,
        changed_at as changed_at_text,
        {{ parse_integer('holder_no') }} as holder_no,
        {{ clean_text('id_number') }} as id_number_raw,
        {{ normalize_id_number('id_number') }} as id_number,
        {{ id_number_is_valid('id_number') }} as id_number_valid,
        {{ clean_text('name') }} as shareholder_name,
        {{ parse_decimal('subscribed_wan') }} as subscribed_wan,
        _batch_id as batch_id,
        _source_file as source_request,
        _source_row as source_row
    from source
),

entities as (
    select * from {{ ref('stg_business__entities') }}
),

final as (
    select
        renamed.uscc,
        renamed.holder_no,
        renamed.id_number_raw,
        renamed.id_number,
        renamed.id_number_valid,
        renamed.shareholder_name,
        renamed.subscribed_wan,
        entities.changed_at,
        renamed.batch_id,
        renamed.source_request,
        renamed.source_row
    from renamed
    inner join entities
        on
            renamed.uscc = entities.uscc
            and renamed.changed_at_text = entities.changed_at_text
)

select * from final
