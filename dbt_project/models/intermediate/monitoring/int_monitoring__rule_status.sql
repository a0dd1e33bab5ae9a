-- Whether each monitoring rule M01–M07 was evaluated in this build, and if not, why. A rule
-- that was not evaluated (switched off in seed policy_rules, no monitoring threshold for the
-- check date's year, no model yet) leaves its earlier monitoring_risk rows as they were instead
-- of closing them; the data test on this model warns with the message.
{%- set implemented = [] %}
{%- for model_name in monitoring_rule_models() %}
{%- do implemented.append(model_name.split('__')[1][:3] | upper) %}
{%- endfor %}
{%- set implemented_codes = "'" ~ implemented | join("', '") ~ "'" %}
with

rules as (
    select
        rule_code,
        min(rule_name) as rule_name,
        bool_or(enabled) as enabled
    from {{ ref('int_policy__rules') }}
    where family = 'monitoring'
    group by rule_code
),

thresholds as (
    select * from {{ ref('int_policy__monitoring_thresholds') }}
    where policy_year = extract(year from {{ as_of_date() }})
),

checked as (
    select
        rules.rule_code,
        rules.rule_name,
        rules.enabled,
        case
            when not rules.enabled then 'switched off in seed policy_rules'
            when rules.rule_code not in ({{ implemented_codes }})
                then 'not implemented in this version'
            when rules.rule_code = 'M01' and not exists (select 1 as found from thresholds)
                then 'no monitoring threshold configured for '
                    || extract(year from {{ as_of_date() }})::integer
                    || ': set policy.monitoring_threshold in the configuration'
                    || ' (var monitoring_threshold_overrides), e.g. {'
                    || extract(year from {{ as_of_date() }})::integer || ': 7000}'
        end as not_evaluated_reason
    from rules
),

final as (
    select
        rule_code,
        rule_name,
        enabled,
        not_evaluated_reason is null as evaluated,
        not_evaluated_reason,
        {{ as_of_date() }} as as_of
    from checked
)

select * from final
