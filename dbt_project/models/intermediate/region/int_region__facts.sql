-- The additive facts of the assessment statistics (policy.md §5), one row per finest region
-- (village; the province for data quality, whose deliveries are not per village) x metric x
-- dimension value. marts.region_stats sums them at every level and derives the rates.
-- The counts of the registry's households and people are int_region__registry_facts, kept
-- when the registry is (build_cache.sql); here the facts that follow the daily feeds and the
-- check date.
{%- set age = "date_part('year', age(" ~ as_of_date() ~ ", members.birth_date))" %}
{%- set province = "'" ~ var('province') ~ "'::text" %}
with

registry_facts as (
    select * from {{ ref('int_region__registry_facts') }}
),

households as (
    select * from {{ ref('household') }}
),

members as (
    select * from {{ ref('member') }}
),

features as (
    select * from {{ ref('int_index__household_features') }}
),

alerts as (
    select * from {{ ref('verification_alert') }}
    where is_open
),

objects as (
    select * from {{ ref('monitoring_object') }}
    where removed_on is null and village_code is not null
),

relocation as (
    select * from {{ ref('stg_relocation__current_households') }}
),

aid as (
    select * from {{ ref('enterprise_aid') }}
    where village_code is not null
),

scores as (
    select * from {{ ref('poverty_index') }}
),

population as (
    select * from {{ ref('int_hukou__population') }}
    where status = 'active'
),

-- data quality per delivery (rows, not quarantined fields: marts.data_quality)
data_quality as (
    select * from {{ ref('data_quality') }}
    where status = 'landed' and corrects_batch is null  -- a correction is not a new delivery
),

people as (
    select
        households.village_code,
        members.member_key,
        members.household_id,
        members.id_number,
        case
            when members.birth_date is null then '未知'
            when {{ age }} < 6 then '0-5'
            when {{ age }} < 16 then '6-15'
            when {{ age }} < 60 then '16-59'
            else '60+'
        end as age_band
    from members
    inner join households
        on members.household_id = households.household_id
),

placed_alerts as (
    select
        households.village_code,
        alerts.rule_code
    from alerts
    inner join households
        on alerts.household_id = households.household_id
),

-- A flagged person: a member with an open alert, or any member of a household with an open
-- household-level alert (as marts.identification_accuracy counts them), per rule.
flagged as (
    select distinct
        people.village_code,
        people.member_key,
        alerts.rule_code
    from people
    inner join alerts
        on {{ alert_flags_member('people', 'alerts') }}
),

object_risks as (
    select
        objects.village_code,
        risks.risk_code
    from objects
    cross join lateral unnest(objects.risk_codes) as risks (risk_code)
),

object_months as (
    select
        village_code,
        to_char(first_seen, 'YYYY-MM') as first_month,
        object_type
    from objects
),

facts as (
    select
        region_code,
        metric,
        dimension,
        dimension_value,
        value
    from registry_facts
    union all
    {{ region_fact('people', 'village_code', 'people', 'count(*)', 'age_band') }}
    union all
    {{ region_fact('population', 'region_code', 'hukou_population', 'count(*)') }}
    union all
    {{ region_fact('features', 'village_code', 'households_with_income', 'count(income_to_line)') }}
    union all
    {{ region_fact('features', 'village_code', 'income_per_capita_sum', 'sum(income_per_capita)') }}
    union all
    {{ region_fact(
        'features', 'village_code', 'households_above_line',
        'count(*) filter (where income_to_line >= 1)'
    ) }}
    union all
    {{ region_fact(
        'placed_alerts', 'village_code', 'open_alerts', 'count(*)', 'rule_code', 'rule'
    ) }}
    union all
    {{ region_fact('flagged', 'village_code', 'flagged_people', 'count(*)', 'rule_code', 'rule') }}
    union all
    {{ region_fact('flagged', 'village_code', 'flagged_people', 'count(distinct member_key)') }}
    union all
    {{ region_fact('objects', 'village_code', 'monitoring_objects', 'count(*)') }}
    union all
    {{ region_fact('objects', 'village_code', 'monitoring_objects', 'count(*)', 'object_type') }}
    union all
    {{ region_fact('object_risks', 'village_code', 'monitoring_objects', 'count(*)', 'risk_code') }}
    union all
    {{ region_fact(
        'object_months', 'village_code', 'monitoring_objects', 'count(*)', 'first_month', 'month'
    ) }}
    union all
    {%- for metric, value in [
        ('relocation_households', 'count(*)'),
        ('relocation_moved_in', 'count(*) filter (where has_moved_in)'),
        ('relocation_labourers', 'sum(labourers)'),
        ('relocation_employed', 'sum(employed)'),
        ('relocation_income_sum', 'sum(household_income)'),
    ] %}
    {{ region_fact('relocation', 'origin_village_code', metric, value) }}
    union all
    {%- endfor %}
    {%- for dimension in [none, 'target_type', 'method'] %}
    {{ region_fact('aid', 'village_code', 'enterprise_aid_amount', 'sum(amount)', dimension) }}
    union all
    {%- endfor %}
    {{ region_fact('aid', 'village_code', 'enterprise_aid_beneficiaries', 'sum(beneficiaries)') }}
    union all
    {{ region_fact('scores', 'village_code', 'poverty_index_households', 'count(*)', 'band') }}
    union all
    {{ region_fact('scores', 'village_code', 'poverty_index_score_sum', 'sum(score)') }}
    union all
    -- data quality by feed (its department: fupin/feeds.yml), for the whole province
    {%- for metric in ['rows_received', 'rows_rejected', 'rows_fixed', 'rows_open'] %}
    {{ region_fact(
        'data_quality', province, 'dq_' ~ metric, 'coalesce(sum(' ~ metric ~ '), 0)', 'feed'
    ) }}
    {{- ' union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        region_code,
        metric,
        dimension,
        dimension_value,
        coalesce(value, 0) as value
    from facts
    where region_code is not null
)

select * from final
