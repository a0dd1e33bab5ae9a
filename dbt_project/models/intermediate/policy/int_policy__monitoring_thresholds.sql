-- Monitoring threshold per year: seed policy_monitoring_threshold with var
-- monitoring_threshold_overrides on top.
{{ policy_by_year('policy_monitoring_threshold', 'monitoring_threshold_overrides') }}
