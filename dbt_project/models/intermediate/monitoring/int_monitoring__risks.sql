-- The monitoring risks firing in this build: one row per household × rule, from every rule
-- model of macro monitoring_rule_models() whose rule was evaluated (int_monitoring__rule_status:
-- enabled, and its policy configured). Members a rule names are collected in id_numbers.
with

rule_status as (
    select * from {{ ref('int_monitoring__rule_status') }}
),

findings as (
    {%- for model_name in monitoring_rule_models() %}
    select
        rule_code,
        household_key,
        household_id,
        hukou_household_no,
        id_number,
        evidence
    from {{ ref(model_name) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        findings.rule_code,
        rule_status.rule_name,
        findings.household_key,
        max(findings.household_id) as household_id,
        max(findings.hukou_household_no) as hukou_household_no,
        coalesce(
            array_agg(distinct findings.id_number order by findings.id_number) filter (
                where findings.id_number is not null
            ),
            cast(array[] as text[])
        ) as id_numbers,
        jsonb_agg(findings.evidence order by findings.id_number) as evidence
    from findings
    inner join rule_status
        on findings.rule_code = rule_status.rule_code
    where rule_status.evaluated
    group by findings.rule_code, rule_status.rule_name, findings.household_key
)

select * from final
