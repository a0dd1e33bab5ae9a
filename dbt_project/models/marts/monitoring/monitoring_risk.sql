-- Published: one row per household × monitoring rule M01–M07 (warehouse-contract.md §3), with
-- history across runs, in the pattern of verification_alert:
--   first_seen   the earliest check date on which the risk fired (kept across runs),
--   last_seen    the latest check date on which it fired,
--   is_present   it fired in this run; opened_on / closed_on bound the current (or last)
--                period in which it was present, and a risk that fires again reopens.
-- A rule that was not evaluated in this run (int_monitoring__rule_status) leaves its rows as
-- they were. Registered 未脱贫 / 返贫 households keep their risks here although they are not
-- monitoring objects; an unregistered household is keyed by its reserved new 户编号.
{{ config(
    materialized='incremental',
    unique_key='risk_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    full_refresh=false,
) }}
with

risks as (
    select * from {{ ref('int_monitoring__risks') }}
),

new_households as (
    select * from {{ ref('int_monitoring__new_households') }}
),

rule_status as (
    select * from {{ ref('int_monitoring__rule_status') }}
),

current_risks as (
    select
        md5(coalesce(risks.household_id, new_households.household_id) || '|' || risks.rule_code)
            as risk_id,
        coalesce(risks.household_id, new_households.household_id) as household_id,
        risks.hukou_household_no,
        risks.household_id is not null as is_registered,
        risks.rule_code as risk_code,
        risks.rule_name as risk_name,
        risks.id_numbers,
        risks.evidence
    from risks
    left join new_households
        on risks.hukou_household_no = new_households.hukou_household_no
    where coalesce(risks.household_id, new_households.household_id) is not null
),

previous as (
    {{ previous_state({
        'risk_id': 'text',
        'household_id': 'text',
        'hukou_household_no': 'text',
        'is_registered': 'boolean',
        'risk_code': 'text',
        'risk_name': 'text',
        'id_numbers': 'text[]',
        'evidence': 'jsonb',
        'first_seen': 'date',
        'last_seen': 'date',
        'is_present': 'boolean',
        'opened_on': 'date',
        'closed_on': 'date',
    }) }}
),

merged as (
    select
        coalesce(current_risks.risk_id, previous.risk_id) as risk_id,
        current_risks.risk_id is not null as fires_now,
        coalesce(rule_status.evaluated, false) as evaluated,
        coalesce(current_risks.household_id, previous.household_id) as household_id,
        coalesce(current_risks.hukou_household_no, previous.hukou_household_no)
            as hukou_household_no,
        coalesce(current_risks.is_registered, previous.is_registered) as is_registered,
        coalesce(current_risks.risk_code, previous.risk_code) as risk_code,
        coalesce(current_risks.risk_name, previous.risk_name) as risk_name,
        coalesce(current_risks.id_numbers, previous.id_numbers) as id_numbers,
        coalesce(current_risks.evidence, previous.evidence) as evidence,
        previous.first_seen as previous_first_seen,
        previous.last_seen as previous_last_seen,
        coalesce(previous.is_present, false) as was_present,
        previous.opened_on as previous_opened_on,
        previous.closed_on as previous_closed_on
    from current_risks
    full outer join previous
        on current_risks.risk_id = previous.risk_id
    left join rule_status
        on coalesce(current_risks.risk_code, previous.risk_code) = rule_status.rule_code
),

final as (
    select
        risk_id,
        household_id,
        hukou_household_no,
        is_registered,
        risk_code,
        risk_name,
        id_numbers,
        evidence,
        case
            when fires_now
                then least(coalesce(previous_first_seen, {{ as_of_date() }}), {{ as_of_date() }})
            else previous_first_seen
        end as first_seen,
        case when fires_now then {{ as_of_date() }} else previous_last_seen end as last_seen,
        case when fires_now then true when not evaluated then was_present else false end
            as is_present,
        case
            when fires_now and was_present then previous_opened_on
            when fires_now then {{ as_of_date() }}
            else previous_opened_on
        end as opened_on,
        case
            when fires_now then cast(null as date)
            when not evaluated then previous_closed_on
            when was_present then {{ as_of_date() }}
            else previous_closed_on
        end as closed_on,
        left(household_id, 6) as county_code,
        cast('{{ run_started_at.isoformat() }}' as timestamptz) as checked_at
    from merged
)

select * from final
