-- M02 大额医疗支出 (policy.md §2 and its precise readings): the 个人自付 of all the household's
-- persons (registry members, or the persons of an unregistered hukou 户号) over the 12 months
-- ending on the check date (int_medical__person_self_pay: by 结算日期, a reversal
-- ({结算ID}-R) netted against its original whatever month it arrives in, only settlements
-- known on the check date) is at least: m02_self_pay_exited for a registered 已脱贫
-- household, m02_self_pay_other_rural for any other household, or m02_share_of_income of the
-- annual net income (年人均纯收入 × 家庭人口数) of a registered household.
{{ config(
    indexes=[{'columns': ['household_key']}],
) }}
with

self_pay as (
    select * from {{ ref('int_medical__person_self_pay') }}
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

per_household as (
    select
        persons.household_key,
        sum(self_pay.self_pay_12m) as self_pay_12m,
        sum(self_pay.settlement_lines)::bigint as settlement_lines
    from persons
    inner join self_pay
        on persons.id_number = self_pay.id_number
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
