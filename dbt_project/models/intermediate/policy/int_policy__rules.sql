-- The rule switches and severities of seed policy_rules, one row per rule and finding, with
-- var policy_rule_overrides applied (a rule or one finding switched off, a severity changed).
with

rules as (
    select * from {{ ref('policy_rules') }}
),

overridden as (
    select
        rule_code,
        finding,
        rule_name,
        family,
        {{ policy_rule_setting('severity') }} as severity,
        {{ policy_rule_setting('enabled') }} as enabled,
        description,
        {{ policy_rule_origin() }} as origin
    from rules
),

final as (
    select
        rule_code,
        finding,
        rule_name,
        family,
        severity,
        enabled,
        description,
        case severity when 'high' then 3 when 'medium' then 2 when 'low' then 1 end
            as severity_rank,
        origin
    from overridden
)

select * from final
