-- M01 收入低于监测线 (policy.md §2): a registered household whose 年人均纯收入 is below the
-- monitoring threshold of the check date's year. Without a threshold for that year the rule is
-- not evaluated (int_monitoring__rule_status says why, a data test warns): no guessed value.
with

households as (
    select * from {{ ref('int_monitoring__households') }}
),

thresholds as (
    select * from {{ ref('int_policy__monitoring_thresholds') }}
    where policy_year = extract(year from {{ as_of_date() }})
),

final as (
    select
        'M01' as rule_code,
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        cast(null as text) as id_number,
        jsonb_build_object(
            'net_income_per_capita', households.net_income_per_capita,
            'monitoring_threshold', thresholds.amount,
            'threshold_year', thresholds.policy_year,
            'threshold_origin', thresholds.origin
        ) as evidence
    from households
    inner join thresholds
        on households.net_income_per_capita < thresholds.amount
    where households.is_registered
)

select * from final
