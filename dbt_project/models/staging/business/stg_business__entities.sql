-- 市场主体登记 current state: one row per entity (uscc), its newest version changed on or
-- before the check date (var as_of).
with

versions as (
    {{ current_as_of('stg_business__entity_versions', 'uscc', 'changed_at') }}
),

final as (
    select
        uscc,
        entity_name,
        entity_type,
        legal_rep_id_number_raw,
        legal_rep_id_number,
        legal_rep_id_number_valid,
        legal_rep_name,
        registered_capital_wan,
        established_on,
        status,
        region_code,
        changed_at,
        changed_at_text,
        batch_id,
        source_request,
        source_row
    from versions
)

select * from final
