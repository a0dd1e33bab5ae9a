-- M04 住房不安全 (policy.md §2): the household's house — the latest 危房 record of its head's ID
-- number on the check date (stg_property__current_renovations) — is rated C or D and its
-- renovation is not 已竣工. An earlier D 改造中 superseded by D 已竣工 does not fire.
with

households as (
    select * from {{ ref('int_monitoring__households') }}
),

registry as (
    select * from {{ ref('int_registry__current_households') }}
),

renovations as (
    select * from {{ ref('stg_property__current_renovations') }}
    where head_id_number_valid
),

final as (
    select
        'M04' as rule_code,
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        cast(null as text) as id_number,
        jsonb_build_object(
            'head_id_number', renovations.head_id_number,
            'danger_level', renovations.danger_level,
            'renovation_status', renovations.renovation_status,
            'rated_on', renovations.rated_on,
            'property_batch_id', renovations.batch_id,
            'property_source_row', renovations.source_row
        ) as evidence
    from households
    inner join registry
        on households.household_id = registry.household_id
    inner join renovations
        on registry.head_id_number = renovations.head_id_number
    where
        renovations.danger_level in {{ monitoring_codes('unsafe_house_rating') }}
        and renovations.renovation_status not in {{ monitoring_codes('finished_renovation') }}
)

select * from final
