-- Warns (or fails, var monitoring_rule_not_evaluated_severity: error) when a monitoring rule
-- was not evaluated in this build, with the reason (e.g. no monitoring threshold configured for
-- the check date's year: M01 never guesses one). A rule switched off on purpose is not listed.
{{ config(severity=var('monitoring_rule_not_evaluated_severity', 'warn')) }}
select
    rule_code,
    rule_name,
    not_evaluated_reason
from {{ ref('int_monitoring__rule_status') }}
where enabled and not evaluated
