-- The additive facts of the assessment statistics (policy.md §5), one row per finest region
-- (village; the province for data quality, whose deliveries are not per village) x metric x
-- dimension value. marts.region_stats sums them at every level and derives the rates.
{%- set age = "date_part('year', age(" ~ as_of_date() ~ ", members.birth_date))" %}
with

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

deliveries as (
    select * from {{ source('ops', 'delivery') }}
    where status = 'landed'
),

quarantine as (
    select * from {{ source('ops', 'quarantine') }}
),

people as (
    select
        households.village_code,
        households.attribute,
        households.main_cause,
        households.poverty_status,
        members.member_key,
        members.household_id,
        members.id_number,
        members.sex,
        coalesce(members.education, '未知') as education,
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

-- A flagged person: a member with an open alert, or any member of a household with an open
-- household-level alert (as marts.identification_accuracy counts them), per rule.
flagged as (
    select distinct
        people.village_code,
        people.member_key,
        alerts.rule_code
    from people
    inner join alerts
        on
            people.household_id = alerts.household_id
            and (alerts.id_number is null or people.id_number = alerts.id_number)
),

facts as (
    {%- for dimension in ['total', 'attribute', 'main_cause', 'poverty_status'] %}
    select
        village_code as region_code,
        'households' as metric,
        '{{ dimension }}' as dimension,
        {{ "''" if dimension == 'total' else "coalesce(" ~ dimension ~ ", '未知')" }}
            as dimension_value,
        count(*)::numeric as value
    from households
    group by 1, 2, 3, 4
    union all
    {%- endfor %}
    {%- for dimension in ['total', 'attribute', 'main_cause', 'sex', 'age_band', 'education'] %}
    select
        village_code,
        'people',
        '{{ dimension }}',
        {{ "''" if dimension == 'total' else "coalesce(" ~ dimension ~ ", '未知')" }},
        count(*)::numeric
    from people
    group by 1, 2, 3, 4
    union all
    {%- endfor %}
    select
        village_code,
        'poor_people',
        'total',
        '',
        count(*) filter (where poverty_status in ('未脱贫', '返贫'))::numeric
    from people
    group by 1, 2, 3, 4
    union all
    select region_code, 'hukou_population', 'total', '', count(*)::numeric
    from population
    group by 1, 2, 3, 4
    union all
    select village_code, 'households_with_income', 'total', '', count(income_to_line)::numeric
    from features
    group by 1, 2, 3, 4
    union all
    select village_code, 'income_per_capita_sum', 'total', '', sum(income_per_capita)
    from features
    group by 1, 2, 3, 4
    union all
    select
        village_code,
        'households_above_line',
        'total',
        '',
        count(*) filter (where income_to_line >= 1)::numeric
    from features
    group by 1, 2, 3, 4
    union all
    select households.village_code, 'open_alerts', 'rule', alerts.rule_code, count(*)::numeric
    from alerts
    inner join households
        on alerts.household_id = households.household_id
    group by 1, 2, 3, 4
    union all
    select village_code, 'flagged_people', 'rule', rule_code, count(*)::numeric
    from flagged
    group by 1, 2, 3, 4
    union all
    select village_code, 'flagged_people', 'total', '', count(distinct member_key)::numeric
    from flagged
    group by 1, 2, 3, 4
    union all
    select village_code, 'monitoring_objects', 'total', '', count(*)::numeric
    from objects
    group by 1, 2, 3, 4
    union all
    select village_code, 'monitoring_objects', 'object_type', object_type, count(*)::numeric
    from objects
    group by 1, 2, 3, 4
    union all
    select village_code, 'monitoring_objects', 'risk_code', risk.code, count(*)::numeric
    from objects
    cross join lateral unnest(objects.risk_codes) as risk (code)
    group by 1, 2, 3, 4
    union all
    select
        village_code,
        'monitoring_objects',
        'month',
        to_char(first_seen, 'YYYY-MM'),
        count(*)::numeric
    from objects
    group by 1, 2, 3, 4
    union all
    {%- for metric, expression in [
        ('relocation_households', 'count(*)'),
        ('relocation_moved_in', 'count(*) filter (where has_moved_in)'),
        ('relocation_labourers', 'sum(labourers)'),
        ('relocation_employed', 'sum(employed)'),
        ('relocation_income_sum', 'sum(household_income)'),
    ] %}
    select origin_village_code, '{{ metric }}', 'total', '', ({{ expression }})::numeric
    from relocation
    group by 1, 2, 3, 4
    union all
    {%- endfor %}
    {%- for dimension in ['total', 'target_type', 'method'] %}
    select
        village_code,
        'enterprise_aid_amount',
        '{{ dimension }}',
        {{ "''" if dimension == 'total' else dimension }},
        sum(amount)
    from aid
    group by 1, 2, 3, 4
    union all
    {%- endfor %}
    select village_code, 'enterprise_aid_beneficiaries', 'total', '', sum(beneficiaries)::numeric
    from aid
    group by 1, 2, 3, 4
    union all
    select village_code, 'poverty_index_households', 'band', band, count(*)::numeric
    from scores
    group by 1, 2, 3, 4
    union all
    select village_code, 'poverty_index_score_sum', 'total', '', sum(score)
    from scores
    group by 1, 2, 3, 4
    union all
    -- data quality by feed (its department: fupin/feeds.yml), for the whole province
    select
        '{{ var("province") }}',
        'dq_rows_received',
        'feed',
        feed,
        coalesce(sum(rows_received), 0)::numeric
    from deliveries
    group by 1, 2, 3, 4
    {%- for metric, status in [
        ('dq_rows_rejected', none), ('dq_rows_fixed', 'fixed'), ('dq_rows_open', 'open')
    ] %}
    union all
    select
        '{{ var("province") }}',
        '{{ metric }}',
        'feed',
        feed,
        count(*){{ " filter (where status = '" ~ status ~ "')" if status }}::numeric
    from quarantine
    group by 1, 2, 3, 4
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
