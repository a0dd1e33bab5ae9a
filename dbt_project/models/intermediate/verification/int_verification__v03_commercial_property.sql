-- V03 商品房: a checked member acquired a property — a 首次登记 / 转移登记 (seed policy_code_lists
-- property_acquiring_registrations) on or before the check date of a counted use (住宅 / 商业)
-- with a 交易价格, whose certificate was not cancelled (注销登记) on or before the check date
-- (staging stg_property__current_registrations) — and is its 权利人. One row per member;
-- evidence: the registry row, then each such registration.
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

registrations as (
    select * from {{ ref('stg_property__current_registrations') }}
),

acquired as (
    select *
    from registrations
    where
        registration_type in {{ policy_codes('property_acquiring_registrations') }}
        and usage in {{ policy_codes('property_counted_uses') }}
        and transaction_price is not null
),

matched as (
    select
        members.household_id,
        members.id_number,
        members.registry_evidence,
        {{ evidence_entry(
            "'property'", "'property__registration'",
            'acquired.batch_id', 'acquired.source_file', 'acquired.source_row',
            [
                ('certificate_no', 'acquired.certificate_no'),
                ('owner_id_number', 'acquired.owner_id_number'),
                ('owner_name', 'acquired.owner_name'),
                ('usage', 'acquired.usage'),
                ('registration_type', 'acquired.registration_type'),
                ('registration_date', 'acquired.registration_date'),
                ('transaction_price', 'acquired.transaction_price'),
            ]
        ) }} as property_evidence
    from members
    inner join acquired
        on members.id_number = acquired.owner_id_number
    where members.id_number_valid
),

final as (
    select
        'V03' as rule_code,
        'commercial_property' as finding,
        household_id,
        id_number,
        jsonb_build_array(registry_evidence)
        || jsonb_agg(property_evidence order by property_evidence::text) as evidence
    from matched
    group by household_id, id_number, registry_evidence
)

select * from final
