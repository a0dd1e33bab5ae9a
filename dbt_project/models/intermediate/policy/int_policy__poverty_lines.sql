-- Poverty line per year: seed policy_poverty_line with var poverty_line_overrides on top.
{{ policy_by_year('policy_poverty_line', 'poverty_line_overrides') }}
