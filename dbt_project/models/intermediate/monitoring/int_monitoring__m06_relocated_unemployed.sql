-- M06 搬迁无就业 (policy.md §2): a registered household in the current relocation snapshot
-- (stg_relocation__current_households, by 户编号) with at least m06_min_labourers labourers
-- (家庭劳动力人数) and 0 employed (已就业人数).
with

households as (
    select * from {{ ref('int_monitoring__households') }}
),

relocated as (
    select * from {{ ref('stg_relocation__current_households') }}
),

parameters as (
    select * from {{ ref('int_monitoring__parameters') }}
),

final as (
    select
        'M06' as rule_code,
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        cast(null as text) as id_number,
        jsonb_build_object(
            'labourers', relocated.labourers,
            'employed', relocated.employed,
            'resettlement_site', relocated.resettlement_site,
            'relocation_batch_id', relocated.batch_id,
            'relocation_source_row', relocated.source_row
        ) as evidence
    from relocated
    inner join households
        on relocated.household_id = households.household_id
    cross join parameters
    where
        relocated.labourers >= parameters.m06_min_labourers
        and relocated.employed = 0
)

select * from final
