"""Personal-information protection (policy.md §6, warehouse-contract.md §4): roles and logins,
the platform's grants, the audit chain, exports, and redaction of secrets and personal values."""
