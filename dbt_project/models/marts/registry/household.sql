-- Published: one row per registered household, current (warehouse-contract.md §3).
{%- set content_columns = [
    'household_id', 'village_code', 'head_name', 'head_id_number', 'attribute',
    'identification_standard', 'main_cause', 'other_causes', 'size', 'farmland_mu',
    'housing_area_m2', 'house_danger_level', 'has_safe_drinking_water', 'wage_income',
    'business_income', 'property_income', 'transfer_income', 'business_expense',
    'net_income_per_capita', 'poverty_status', 'exit_year', 'identified_year', 'bank_name',
    'bank_account', 'phone',
] %}
with

households as (
    select * from {{ ref('int_registry__current_households') }}
),

final as (
    select
        household_id,
        village_code,
        left(village_code, 9) as township_code,
        left(village_code, 6) as county_code,
        left(village_code, 4) as city_code,
        left(village_code, 2) as province_code,
        head_name,
        head_id_number,
        head_id_number_valid,
        attribute,
        identification_standard,
        main_cause,
        other_causes,
        size,
        farmland_mu,
        housing_area_m2,
        house_danger_level,
        has_safe_drinking_water,
        wage_income,
        business_income,
        property_income,
        transfer_income,
        business_expense,
        net_income_per_capita,
        round(
            (
                coalesce(wage_income, 0)
                + coalesce(business_income, 0)
                + coalesce(property_income, 0)
                + coalesce(transfer_income, 0)
                - coalesce(business_expense, 0)
            ) / nullif(size, 0),
            2
        )::numeric(14, 2) as net_income_per_capita_computed,
        poverty_status,
        exit_year,
        identified_year,
        bank_name,
        bank_account,
        phone,
        {{ row_hash(content_columns) }} as record_hash,
        registry_period,
        registry_county_code,
        batch_id,
        source_file,
        source_row
    from households
)

select * from final
