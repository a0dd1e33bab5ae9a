-- The V rules' thresholds: seed policy_thresholds with var policy_threshold_overrides on top.
{{ policy_thresholds_with_overrides() }}
