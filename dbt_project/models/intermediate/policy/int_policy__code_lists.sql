-- The V rules' code lists: seed policy_code_lists, a list in var policy_code_list_overrides
-- replacing the seeded one as a whole.
{{ policy_code_lists_with_overrides() }}
