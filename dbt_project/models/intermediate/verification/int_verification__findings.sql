-- Every finding of every implemented verification rule, with its severity and rule name from
-- seed policy_rules; disabled findings are dropped here. The rule models give one row per
-- finding (rule_code, finding, household_id, id_number, evidence); this model merges them into
-- one row per rule, household and member (id_number NULL for household-level rules): findings
-- (jsonb list) the sub-cases that fired, severity is the highest of them.
with

rule_hits as (
    {%- for model_name in verification_rule_models() %}
    select
        rule_code,
        finding,
        household_id,
        id_number,
        evidence
    from {{ ref(model_name) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

rules as (
    select * from {{ ref('int_policy__rules') }}
),

enabled_findings as (
    select
        rule_hits.rule_code,
        rule_hits.household_id,
        rule_hits.id_number,
        rule_hits.finding,
        rules.rule_name,
        rules.severity,
        rules.severity_rank,
        rule_hits.evidence
    from rule_hits
    inner join rules
        on
            rule_hits.rule_code = rules.rule_code
            and rule_hits.finding = rules.finding
    where rules.enabled
),

evidence_entries as (
    select distinct
        enabled_findings.rule_code,
        enabled_findings.household_id,
        coalesce(enabled_findings.id_number, '') as member_id,
        entry.value as entry
    from enabled_findings
    cross join lateral jsonb_array_elements(enabled_findings.evidence) as entry (value)
),

evidence as (
    select
        rule_code,
        household_id,
        member_id,
        jsonb_agg(
            entry
            order by
                entry ->> 'feed' <> 'registry',
                entry ->> 'feed',
                entry ->> 'batch_id',
                (entry ->> 'source_row')::integer
        ) as evidence
    from evidence_entries
    group by rule_code, household_id, member_id
),

grouped as (
    select
        rule_code,
        household_id,
        coalesce(id_number, '') as member_id,
        max(id_number) as id_number,
        min(rule_name) as rule_name,
        max(severity_rank) as severity_rank,
        jsonb_agg(distinct finding order by finding) as findings
    from enabled_findings
    group by rule_code, household_id, coalesce(id_number, '')
),

final as (
    select
        md5(grouped.rule_code || '|' || grouped.household_id || '|' || grouped.member_id)
            as alert_id,
        grouped.rule_code,
        grouped.rule_name,
        grouped.household_id,
        grouped.id_number,
        case grouped.severity_rank
            when 3 then 'high' when 2 then 'medium' when 1 then 'low'
        end as severity,
        grouped.findings,
        evidence.evidence
    from grouped
    inner join evidence
        on
            grouped.rule_code = evidence.rule_code
            and grouped.household_id = evidence.household_id
            and grouped.member_id = evidence.member_id
)

select * from final
