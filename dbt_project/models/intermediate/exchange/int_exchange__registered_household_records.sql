-- The standard household record for the national system (national-exchange.md: attribute,
-- causes, size, incomes, flags, 脱贫标志/年度, village code) of every current household, and the
-- reasons it cannot be sent (problems, empty = sendable). Field names are the warehouse's
-- (glossary.md); contact, bank and head-of-household personal data are not sent. Apart from
-- the monitoring's new households (int_exchange__household_records): a daily hukou delta
-- leaves these as they were, and so the members' records (build_cache.sql).
with

households as (
    select * from {{ ref('household') }}
),

cause_codes as (
    select code from {{ ref('registry_codes') }}
    where code_list = 'cause'
),

unknown_other_causes as (
    select
        households.household_id,
        string_agg(cause.value, '、' order by cause.value) as unknown_codes
    from households
    cross join lateral unnest(households.other_causes) as cause (value)
    left join cause_codes
        on cause.value = cause_codes.code
    where cause_codes.code is null
    group by households.household_id
),

households_checked as (
    select
        households.*,
        unknown_other_causes.unknown_codes as unknown_other_cause_codes
    from households
    left join unknown_other_causes
        on households.household_id = unknown_other_causes.household_id
),

records as (
    select
        household_id,
        jsonb_build_object(
            'household_id', household_id,
            'village_code', village_code,
            'attribute', attribute,
            'identification_standard', identification_standard,
            'main_cause', main_cause,
            'other_causes', to_jsonb(other_causes),
            'size', size,
            'farmland_mu', farmland_mu,
            'housing_area_m2', housing_area_m2,
            'house_danger_level', house_danger_level,
            'has_safe_drinking_water', has_safe_drinking_water,
            'wage_income', wage_income,
            'business_income', business_income,
            'property_income', property_income,
            'transfer_income', transfer_income,
            'business_expense', business_expense,
            'net_income_per_capita', net_income_per_capita,
            'poverty_status', poverty_status,
            'exit_year', exit_year,
            'identified_year', identified_year
        ) as data,
        array_remove(
            array[
                case
                    when household_id !~ '^[0-9]{20}$' then 'household_id is not 20 digits'
                end,
                case
                    when village_code is null then 'village_code is missing'
                    when village_code <> left(household_id, 12)
                        then 'village_code is not the first 12 digits of household_id'
                end,
                case
                    when left(household_id, 2) <> '{{ var("province") }}'
                        then 'household is outside province {{ var("province") }}'
                end,
                case when attribute is null then 'attribute is missing' end,
                {{ code_problem('attribute', 'attribute', 'attribute') }},
                case when poverty_status is null then 'poverty_status is missing' end,
                {{ code_problem('poverty_status', 'poverty_status', 'poverty_status') }},
                {{ code_problem('main_cause', 'cause', 'main_cause') }},
                'other_causes: unknown code ' || unknown_other_cause_codes
            ],
            null
        ) as problems
    from households_checked
),

final as (
    select {{ household_record_columns('records') }}
    from records
)

select * from final
