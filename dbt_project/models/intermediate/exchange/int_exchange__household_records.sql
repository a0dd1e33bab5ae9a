-- The standard household record for the national system (national-exchange.md: attribute,
-- causes, size, incomes, flags, 脱贫标志/年度, village code) of every current household, and the
-- reasons it cannot be sent (problems, empty = sendable). Field names are the warehouse's
-- (glossary.md); contact, bank and head-of-household personal data are not sent.
with

households as (
    select * from {{ ref('household') }}
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
                (
                    select 'other_causes: unknown code ' || string_agg(cause.value, '、')
                    from unnest(other_causes) as cause (value)
                    where cause.value not in (
                        select registry_codes.code
                        from {{ ref('registry_codes') }} as registry_codes
                        where registry_codes.code_list = 'cause'
                    )
                    having count(*) > 0
                )
            ],
            null
        ) as problems
    from households
),

final as (
    select
        'household' as entity,
        household_id as record_key,
        household_id,
        data,
        md5(data::text) as content_hash,
        problems,
        cardinality(problems) = 0 as sendable
    from records
)

select * from final
