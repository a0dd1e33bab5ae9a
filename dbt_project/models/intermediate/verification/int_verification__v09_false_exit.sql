-- V09 虚假脱贫: a checked household 已脱贫 in year Y whose declared 年人均纯收入 is below the
-- poverty line of Y (int_policy__poverty_lines; exactly at the line is not below). Household
-- level (id_number NULL); evidence: the household's registry row.
-- A year with no configured line stops the run (pre-hook refuse_unconfigured_poverty_lines):
-- 2017-2019 have no verified default and a guessed line would make false alerts.
{{ config(
    pre_hook="{{ refuse_unconfigured_poverty_lines(
        ref('int_verification__checked_households'), ref('int_policy__poverty_lines')
    ) }}",
) }}
with

households as (
    select * from {{ ref('int_verification__checked_households') }}
),

lines as (
    select * from {{ ref('int_policy__poverty_lines') }}
),

below as (
    select
        households.household_id,
        households.household_evidence,
        lines.amount as poverty_line,
        lines.origin as poverty_line_origin
    from households
    inner join lines
        on households.exit_year = lines.policy_year
    where
        households.poverty_status = '已脱贫'
        and households.net_income_per_capita < lines.amount
),

final as (
    select
        'V09' as rule_code,
        'false_exit' as finding,
        household_id,
        null::text as id_number,
        jsonb_build_array(
            household_evidence || jsonb_build_object(
                'poverty_line', poverty_line, 'poverty_line_origin', poverty_line_origin
            )
        ) as evidence
    from below
)

select * from final
