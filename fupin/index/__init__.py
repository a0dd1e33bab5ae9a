"""The poverty index (policy.md §4): the indicator tree as data, validated and handed to dbt."""
