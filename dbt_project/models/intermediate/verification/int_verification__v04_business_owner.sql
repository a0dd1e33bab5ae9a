-- V04 经营主体: a checked member is, in the entity's current version (the last one changed on or
-- before the check date) with a counted status (存续), the legal representative of a
-- 个体工商户 (sole_proprietor), or the legal representative (company_legal_rep) or a shareholder
-- (company_shareholder) of a company with registered capital at or above the threshold
-- (business_capital_min_wan, 万元); entity types in business_excluded_entity_types
-- (农民专业合作社) are excluded. One row per member and finding; evidence: the registry row, then
-- the entity version (and the shareholder row).
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

current_entities as (
    -- the current version of each entity on the check date (staging: current_as_of)
    select * from {{ ref('stg_business__entities') }}
    where
        status in {{ policy_codes('business_counted_statuses') }}
        and entity_type not in {{ policy_codes('business_excluded_entity_types') }}
),

shareholders as (
    -- the shareholders of each entity's current version
    select * from {{ ref('stg_business__shareholders') }}
),

roles as (
    select
        current_entities.legal_rep_id_number as id_number,
        case
            when current_entities.entity_type = '个体工商户' then 'sole_proprietor'
            else 'company_legal_rep'
        end as finding,
        current_entities.batch_id,
        current_entities.source_request as source_file,
        current_entities.source_row,
        current_entities.uscc,
        current_entities.entity_name,
        current_entities.entity_type,
        current_entities.registered_capital_wan,
        current_entities.status,
        current_entities.changed_at,
        'legal_rep' as holder_role
    from current_entities
    where
        current_entities.entity_type = '个体工商户'
        or current_entities.registered_capital_wan
        >= {{ policy_threshold('business_capital_min_wan') }}
    union all
    select
        shareholders.id_number,
        'company_shareholder' as finding,
        shareholders.batch_id,
        shareholders.source_request as source_file,
        shareholders.source_row,
        current_entities.uscc,
        current_entities.entity_name,
        current_entities.entity_type,
        current_entities.registered_capital_wan,
        current_entities.status,
        current_entities.changed_at,
        'shareholder' as holder_role
    from current_entities
    inner join shareholders
        on current_entities.uscc = shareholders.uscc
    where
        current_entities.entity_type <> '个体工商户'
        and current_entities.registered_capital_wan
        >= {{ policy_threshold('business_capital_min_wan') }}
),

matched as (
    select
        members.household_id,
        members.id_number,
        members.registry_evidence,
        roles.finding,
        {{ evidence_entry(
            "'business'",
            "case roles.holder_role when 'shareholder' then 'business__shareholder' "
            ~ "else 'business__entity' end",
            'roles.batch_id', 'roles.source_file', 'roles.source_row',
            [
                ('uscc', 'roles.uscc'),
                ('entity_name', 'roles.entity_name'),
                ('entity_type', 'roles.entity_type'),
                ('registered_capital_wan', 'roles.registered_capital_wan'),
                ('status', 'roles.status'),
                ('role', 'roles.holder_role'),
                ('id_number', 'roles.id_number'),
                ('changed_at', 'roles.changed_at'),
            ]
        ) }} as business_evidence
    from members
    inner join roles
        on members.id_number = roles.id_number
    where members.id_number_valid
),

final as (
    select
        'V04' as rule_code,
        finding,
        household_id,
        id_number,
        jsonb_build_array(registry_evidence)
        || jsonb_agg(business_evidence order by business_evidence::text) as evidence
    from matched
    group by household_id, id_number, registry_evidence, finding
)

select * from final
