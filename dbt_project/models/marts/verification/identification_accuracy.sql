-- 识别精准率 per county (policy.md §5): 1 − flagged people / registered people on the check date,
-- with the open alerts per rule. A registered person is a member of a current registry
-- household; a flagged person is a member with an open alert, or any member of a household with
-- an open household-level alert (V07 without 低保, V09), as the Mashan audit counted people.
with

members as (
    select * from {{ ref('int_registry__current_members') }}
),

households as (
    select * from {{ ref('int_person__registry_households') }}
),

alerts as (
    select * from {{ ref('verification_alert') }}
    where is_open
),

registered as (
    select
        households.county_code,
        members.member_key,
        members.household_id,
        members.id_number
    from members
    inner join households
        on members.household_id = households.household_id
),

flagged as (
    select distinct registered.member_key
    from registered
    inner join alerts
        on {{ alert_flags_member('registered', 'alerts') }}
),

people as (
    select
        registered.county_code,
        count(*)::integer as registered_people,
        count(flagged.member_key)::integer as flagged_people
    from registered
    left join flagged
        on registered.member_key = flagged.member_key
    group by registered.county_code
),

alerts_by_rule as (
    select
        county_code,
        jsonb_object_agg(rule_code, alert_count order by rule_code) as open_alerts_by_rule,
        sum(alert_count)::integer as open_alerts
    from (
        select
            county_code,
            rule_code,
            count(*)::integer as alert_count
        from alerts
        group by county_code, rule_code
    ) as counted
    group by county_code
),

final as (
    select
        people.county_code,
        people.registered_people,
        people.flagged_people,
        round(1 - people.flagged_people::numeric / nullif(people.registered_people, 0), 4)
            as identification_accuracy,
        coalesce(alerts_by_rule.open_alerts, 0) as open_alerts,
        coalesce(alerts_by_rule.open_alerts_by_rule, '{}'::jsonb) as open_alerts_by_rule,
        {{ as_of_date() }} as as_of
    from people
    left join alerts_by_rule
        on people.county_code = alerts_by_rule.county_code
)

select * from final
