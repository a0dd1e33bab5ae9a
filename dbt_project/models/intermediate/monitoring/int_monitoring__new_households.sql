-- The 户编号 reserved for monitoring objects that are not registered households (policy.md §2),
-- one row per hukou 户号, read back from the platform table ops.household_number after the
-- pre-hook has reserved the numbers of this build's new objects (macro
-- reserve_household_numbers). The table only grows: a number, once reserved, stays the
-- household's for good, whatever later builds find, and is never given to another household.
-- depends_on: {{ ref('int_monitoring__candidates') }}
{{ config(
    pre_hook="{{ reserve_household_numbers() }}",
) }}
with

reserved as (
    select * from {{ source('platform', 'household_number') }}
),

households as (
    select * from {{ ref('int_monitoring__households') }}
    where not is_registered
),

final as (
    select
        reserved.household_id,
        reserved.village_code,
        reserved.sequence,
        reserved.hukou_household_no,
        reserved.reserved_for_as_of,
        reserved.reserved_at,
        coalesce(households.member_count, 0) as member_count,
        households.household_key is not null as in_hukou_population
    from reserved
    left join households
        on reserved.hukou_household_no = households.hukou_household_no
)

select * from final
