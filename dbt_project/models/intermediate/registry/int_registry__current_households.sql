-- Households of the current registry snapshot of every county. A household listed twice
-- (two rows in one file, or in two counties' current files) keeps its row of the latest
-- period, then the last row in the file.
with

households as (
    select * from {{ ref('stg_registry__households') }}
),

current_batches as (
    select * from {{ ref('int_registry__current_batches') }}
),

ranked as (
    select
        households.*,
        row_number() over (
            partition by households.household_id
            order by households.registry_period desc, households.source_row desc
        ) as recency
    from households
    inner join current_batches
        on households.batch_id = current_batches.batch_id
    where households.household_id is not null
),

final as (
    select
        household_id,
        village_code,
        head_name,
        head_id_number_raw,
        head_id_number,
        head_id_number_valid,
        attribute,
        identification_standard,
        main_cause,
        other_causes_raw,
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
        poverty_status,
        exit_year,
        identified_year,
        bank_name,
        bank_account,
        phone,
        batch_id,
        source_file,
        source_row,
        registry_period,
        registry_county_code
    from ranked
    where recency = 1
)

select * from final
