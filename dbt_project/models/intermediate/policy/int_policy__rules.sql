-- The rule switches and severities of seed policy_rules, one row per rule and finding.
with

rules as (
    select * from {{ ref('policy_rules') }}
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
            as severity_rank
    from rules
)

select * from final
