-- The households with at least one risk firing in this build, with their monitoring object
-- type (policy.md §2 "Object type"): a registered 已脱贫 household → 脱贫不稳定户; a household
-- that is not registered → 边缘易致贫户 when one of its persons is an 在保 低保 or 特困
-- recipient of civil affairs on the check date, otherwise 突发严重困难户; a registered 未脱贫 /
-- 返贫 household (or one without 脱贫标志) keeps its risks but is not an object (NULL).
with

risks as (
    select * from {{ ref('int_monitoring__risks') }}
),

households as (
    select * from {{ ref('int_monitoring__households') }}
),

persons as (
    select * from {{ ref('int_monitoring__household_persons') }}
),

near_line_recipients as (
    {{ monitoring_near_line_recipients() }}
),

near_line_households as (
    select distinct persons.household_key
    from persons
    inner join near_line_recipients
        on persons.id_number = near_line_recipients.id_number
),

household_risks as (
    select
        household_key,
        array_agg(rule_code order by rule_code) as risk_codes
    from risks
    group by household_key
),

final as (
    select
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        households.is_registered,
        households.village_code,
        households.poverty_status,
        households.member_count,
        household_risks.risk_codes,
        case
            when households.is_registered
                and households.poverty_status in {{ monitoring_codes('exited_status') }}
                then '脱贫不稳定户'
            when households.is_registered then null
            when near_line_households.household_key is not null then '边缘易致贫户'
            else '突发严重困难户'
        end as object_type
    from household_risks
    inner join households
        on household_risks.household_key = households.household_key
    left join near_line_households
        on household_risks.household_key = near_line_households.household_key
)

select * from final
