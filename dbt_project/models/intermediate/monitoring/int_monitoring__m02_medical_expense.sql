-- M02 大额医疗支出 (policy.md §2 and its precise readings): the 个人自付 of all the household's
-- persons (registry members, or the persons of an unregistered hukou 户号) over the 12 months
-- ending on the check date by 结算日期, a reversal ({结算ID}-R) netted against its original
-- whatever month it arrives in (stg_medical__settlements.effective_date is the original's
-- 结算日期), is at least: m02_self_pay_exited for a registered 已脱贫 household,
-- m02_self_pay_other_rural for any other household, or m02_share_of_income of the annual net
-- income (年人均纯收入 × 家庭人口数) of a registered household. Only settlements known on the
-- check date count (a reversal settled after it is not yet known).
{{ config(
    indexes=[{'columns': ['household_key']}],
) }}
with

settlements as (
    select * from {{ ref('stg_medical__settlements') }}
),

persons as (
    select * from {{ ref('int_monitoring__household_persons') }}
),

households as (
    select * from {{ ref('int_monitoring__households') }}
),

parameters as (
    select * from {{ ref('int_monitoring__parameters') }}
),

-- one line per settlement ID and kind (a resent line must not count twice)
known as (
    select distinct on (settlements.settlement_id)
        settlements.settlement_id,
        settlements.id_number,
        settlements.self_pay,
        settlements.effective_date
    from settlements
    where
        settlements.id_number_valid
        and settlements.settlement_date <= {{ as_of_date() }}
        and settlements.self_pay is not null
    order by
        settlements.settlement_id asc,
        settlements.delivery_period desc,
        settlements.delivery_version desc,
        settlements.source_row desc
),

in_window as (
    select known.*
    from known
    cross join parameters
    where
        known.effective_date <= {{ as_of_date() }}
        and known.effective_date > {{ as_of_date() }}
        - make_interval(months => parameters.m02_window_months::integer)
),

per_household as (
    select
        persons.household_key,
        sum(in_window.self_pay) as self_pay_12m,
        count(distinct in_window.settlement_id) as settlement_lines
    from persons
    inner join in_window
        on persons.id_number = in_window.id_number
    group by persons.household_key
),

judged as (
    select
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        per_household.self_pay_12m,
        per_household.settlement_lines,
        case
            when households.is_registered
                and households.poverty_status in {{ monitoring_codes('exited_status') }}
                then parameters.m02_self_pay_exited
            else parameters.m02_self_pay_other_rural
        end as amount_threshold,
        case
            when households.is_registered and households.net_income_per_capita > 0
                then round(
                        parameters.m02_share_of_income * households.net_income_per_capita
                        * coalesce(nullif(households.size, 0), households.member_count),
                        2
                    )
        end as income_threshold
    from per_household
    inner join households
        on per_household.household_key = households.household_key
    cross join parameters
),

final as (
    select
        'M02' as rule_code,
        household_key,
        household_id,
        hukou_household_no,
        null::text as id_number,
        jsonb_build_object(
            'self_pay_12m', self_pay_12m,
            'settlement_lines', settlement_lines,
            'amount_threshold', amount_threshold,
            'income_threshold', income_threshold
        ) as evidence
    from judged
    where
        self_pay_12m >= amount_threshold
        or self_pay_12m >= income_threshold
)

select * from final
