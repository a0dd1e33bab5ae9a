-- The national household record of every new household (a monitoring object that is not a
-- registered household, with its reserved 户编号): national-exchange.md calls it a new household,
-- sent while the registration window is open. It has no registry attribute or 脱贫标志:
-- household_kind 监测户 says so. Same columns as int_exchange__household_records, which
-- appends these rows to the registered households' records.
with

new_households as (
    select * from {{ ref('int_monitoring__new_households') }}
),

records as (
    select
        household_id,
        jsonb_build_object(
            'household_id', household_id,
            'village_code', village_code,
            'household_kind', '监测户',
            'size', member_count
        ) as data,
        array_remove(
            array[
                case
                    when household_id !~ '^[0-9]{20}$' then 'household_id is not 20 digits'
                end,
                case
                    when village_code <> left(household_id, 12)
                        then 'village_code is not the first 12 digits of household_id'
                end,
                case
                    when left(household_id, 2) <> '{{ var("province") }}'
                        then 'household is outside province {{ var("province") }}'
                end
            ],
            null
        ) as problems
    from new_households
),

final as (
    select {{ household_record_columns('records') }}
    from records
)

select * from final
