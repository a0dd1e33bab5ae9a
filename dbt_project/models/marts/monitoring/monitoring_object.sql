-- Published: one row per monitoring object (warehouse-contract.md §3), with its lifecycle
-- across runs (policy.md §2):
--   a household with a risk present (monitoring_risk) and an object type
--   (int_monitoring__candidates) is an object: first_seen = the first check date it was one,
--   opened_on = the start of the current monitoring period, last_risk_seen = this check date;
--   an object with no risk present stays one until removal_months (6) have passed since
--   last_risk_seen: then removed_on = this check date (风险消除) and the row stays;
--   a removed object whose risks fire again is reopened (removed_on NULL, new opened_on);
--   an object that becomes a registered 未脱贫 / 返贫 household is removed at once (it is a
--   poor household now, policy.md: not an object).
-- risk_codes: the risks seen in the current (or last) monitoring period; present_risk_codes:
-- those present on this check date. Every change is kept in snapshot monitoring_object_history.
{{ config(
    materialized='incremental',
    unique_key='household_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    full_refresh=false,
) }}
with

candidates as (
    select * from {{ ref('int_monitoring__candidates') }}
),

new_households as (
    select * from {{ ref('int_monitoring__new_households') }}
),

risks as (
    select * from {{ ref('monitoring_risk') }}
),

parameters as (
    select * from {{ ref('int_monitoring__parameters') }}
),

present as (
    select
        household_id,
        array_agg(risk_code order by risk_code) as present_risk_codes
    from risks
    where is_present
    group by household_id
),

current_objects as (
    select
        coalesce(candidates.household_id, new_households.household_id) as household_id,
        candidates.hukou_household_no,
        candidates.is_registered,
        candidates.village_code,
        candidates.object_type,
        present.present_risk_codes
    from candidates
    left join new_households
        on candidates.hukou_household_no = new_households.hukou_household_no
    inner join present
        on coalesce(candidates.household_id, new_households.household_id) = present.household_id
),

previous as (
    {{ previous_state({
        'household_id': 'text',
        'hukou_household_no': 'text',
        'is_registered': 'boolean',
        'village_code': 'text',
        'object_type': 'text',
        'risk_codes': 'text[]',
        'first_seen': 'date',
        'opened_on': 'date',
        'last_risk_seen': 'date',
        'removed_on': 'date',
        'removal_reason': 'text',
    }) }}
),

merged as (
    select
        coalesce(current_objects.household_id, previous.household_id) as household_id,
        coalesce(current_objects.hukou_household_no, previous.hukou_household_no)
            as hukou_household_no,
        coalesce(current_objects.is_registered, previous.is_registered) as is_registered,
        coalesce(current_objects.village_code, previous.village_code) as village_code,
        current_objects.household_id is not null as at_risk_now,
        current_objects.object_type as object_type_now,
        previous.object_type as previous_object_type,
        coalesce(current_objects.present_risk_codes, cast(array[] as text[])) as present_risk_codes,
        previous.risk_codes as previous_risk_codes,
        previous.first_seen as previous_first_seen,
        previous.opened_on as previous_opened_on,
        previous.last_risk_seen as previous_last_risk_seen,
        previous.removed_on as previous_removed_on,
        previous.removal_reason as previous_removal_reason,
        previous.household_id is not null as was_known,
        previous.household_id is not null and previous.removed_on is null as was_open
    from current_objects
    full outer join previous
        on current_objects.household_id = previous.household_id
),

classified as (
    select
        merged.*,
        cast(parameters.removal_months as integer) as removal_months,
        -- at risk and an object type now: an object in this run
        merged.at_risk_now and merged.object_type_now is not null as is_object_now,
        -- at risk but a registered poor household now: no longer an object
        merged.at_risk_now and merged.object_type_now is null as became_poor,
        merged.was_open
        and not merged.at_risk_now
        and {{ as_of_date() }}
        >= merged.previous_last_risk_seen
        + make_interval(months => cast(parameters.removal_months as integer))
            as risk_gone
    from merged
    cross join parameters
),

final as (
    select
        household_id,
        hukou_household_no,
        is_registered,
        village_code,
        coalesce(object_type_now, previous_object_type) as object_type,
        case
            when is_object_now and was_open
                then array(
                        select distinct code
                        from unnest(previous_risk_codes || present_risk_codes) as codes (code)
                        order by code
                    )
            when is_object_now then present_risk_codes
            else previous_risk_codes
        end as risk_codes,
        case when is_object_now then present_risk_codes else cast(array[] as text[]) end
            as present_risk_codes,
        case
            when is_object_now
                then least(coalesce(previous_first_seen, {{ as_of_date() }}), {{ as_of_date() }})
            else previous_first_seen
        end as first_seen,
        case
            when is_object_now and was_open then previous_opened_on
            when is_object_now then {{ as_of_date() }}
            else previous_opened_on
        end as opened_on,
        case
            when is_object_now then {{ as_of_date() }} else previous_last_risk_seen
        end as last_risk_seen,
        case
            when is_object_now then cast(null as date)
            when was_open and (risk_gone or became_poor) then {{ as_of_date() }}
            else previous_removed_on
        end as removed_on,
        case
            when is_object_now then cast(null as text)
            when was_open and became_poor then 'registered as a poor household'
            when was_open and risk_gone then 'no risk for ' || removal_months || ' months'
            else previous_removal_reason
        end as removal_reason,
        left(household_id, 6) as county_code,
        cast('{{ run_started_at.isoformat() }}' as timestamptz) as checked_at
    from classified
    where is_object_now or was_known
)

select * from final
