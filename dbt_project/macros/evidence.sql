{#- One evidence entry of an alert (warehouse-contract.md §3): the matching source record with
    its feed, batch and source row. Every argument is a SQL expression (a literal feed name is
    passed as "'registry'"); record_pairs: a list of (key, SQL expression) pairs, the record's
    relevant fields by their warehouse (glossary) names. -#}
{% macro evidence_entry(feed, raw_table, batch_id, source_file, source_row, record_pairs) -%}
    jsonb_build_object(
        'feed', {{ feed }},
        'raw_table', {{ raw_table }},
        'batch_id', {{ batch_id }},
        'source_file', {{ source_file }},
        'source_row', {{ source_row }},
        'record', jsonb_build_object(
            {%- for key, expression in record_pairs %}
            '{{ key }}', {{ expression }}{{ "," if not loop.last }}
            {%- endfor %}
        )
    )
{%- endmacro %}

{#- The verification rule models whose findings verification_alert collects. A new rule (V02…)
    is one int_verification__vNN_* model with one row per finding and the columns rule_code,
    finding (a finding of seed policy_rules), household_id, id_number, evidence (jsonb list),
    added here. -#}
{% macro verification_rule_models() -%}
    {{ return([
        'int_verification__v01_state_payroll',
        'int_verification__v02_vehicle',
        'int_verification__v03_commercial_property',
        'int_verification__v04_business_owner',
        'int_verification__v05_dead_not_cancelled',
        'int_verification__v06_duplicate_registration',
        'int_verification__v07_dibao_mismatch',
        'int_verification__v08_employee_pension',
        'int_verification__v09_false_exit',
        'int_verification__v10_identity',
    ]) }}
{%- endmacro %}
