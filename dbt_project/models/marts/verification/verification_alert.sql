-- Published: one row per rule × household × member (warehouse-contract.md §3), with history
-- across runs. Incremental: each run merges the run's findings into the table, so that
--   first_seen  the earliest check date on which the alert fired (kept across runs),
--   last_seen   the latest check date on which it fired (= this run's as_of while open),
--   is_open     it fired in this run; an alert that stops firing is closed (closed_on = the
--               first check date it no longer fired) and reopens if it fires again
--               (opened_on = the check date of the current open period's start).
-- A closed alert keeps its last severity, findings and evidence. full_refresh is disabled so
-- that `dbt build --full-refresh` cannot erase the history.
{{ config(
    materialized='incremental',
    unique_key='alert_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    full_refresh=false,
) }}
with

findings as (
    select * from {{ ref('int_verification__findings') }}
),

previous as (
    {{ previous_state({
        'alert_id': 'text',
        'rule_code': 'text',
        'rule_name': 'text',
        'household_id': 'text',
        'id_number': 'text',
        'severity': 'text',
        'findings': 'jsonb',
        'evidence': 'jsonb',
        'first_seen': 'date',
        'last_seen': 'date',
        'opened_on': 'date',
        'closed_on': 'date',
        'is_open': 'boolean',
    }) }}
),

merged as (
    select
        coalesce(findings.alert_id, previous.alert_id) as alert_id,
        findings.alert_id is not null as fires_now,
        coalesce(findings.rule_code, previous.rule_code) as rule_code,
        coalesce(findings.rule_name, previous.rule_name) as rule_name,
        coalesce(findings.household_id, previous.household_id) as household_id,
        case
            when findings.alert_id is not null then findings.id_number else previous.id_number
        end as id_number,
        coalesce(findings.severity, previous.severity) as severity,
        coalesce(findings.findings, previous.findings) as findings,
        coalesce(findings.evidence, previous.evidence) as evidence,
        previous.first_seen as previous_first_seen,
        previous.last_seen as previous_last_seen,
        previous.opened_on as previous_opened_on,
        previous.closed_on as previous_closed_on,
        coalesce(previous.is_open, false) as was_open,
        previous.alert_id is not null as was_known
    from findings
    full outer join previous
        on findings.alert_id = previous.alert_id
),

final as (
    select
        alert_id,
        rule_code,
        rule_name,
        household_id,
        id_number,
        severity,
        findings,
        evidence,
        case
            when fires_now
                then least(coalesce(previous_first_seen, {{ as_of_date() }}), {{ as_of_date() }})
            else previous_first_seen
        end as first_seen,
        case
            when fires_now then {{ as_of_date() }} else previous_last_seen
        end as last_seen,
        fires_now as is_open,
        case
            when fires_now and was_open then previous_opened_on
            when fires_now then {{ as_of_date() }}
            else previous_opened_on
        end as opened_on,
        case
            when fires_now then cast(null as date)
            when was_open then {{ as_of_date() }}
            else previous_closed_on
        end as closed_on,
        left(household_id, 6) as county_code,
        cast('{{ run_started_at.isoformat() }}' as timestamptz) as checked_at
    from merged
)

select * from final
