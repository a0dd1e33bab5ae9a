-- Each person's 个人自付 over M02's window (policy.md §2 M02 and its precise readings): the
-- settlement lines with 结算日期 on or before the check date (a reversal settled after it is not
-- yet known), one line per settlement ID (a resent line counts once: the latest delivery's),
-- whose effective date (stg_medical__settlements: a reversal's is its original's 结算日期) is
-- within the m02_window_months months ending on the check date. M02 sums it per household.
-- Incremental by the persons a change names (macros/medical_self_pay.sql): a hukou delta
-- or a check date one day on reads none of the months of settlements again.
-- depends_on: {{ ref('stg_medical__settlement_lines') }}
{%- set plan = self_pay_plan() %}
{{ incremental_by_change('self_pay_prepare', 'self_pay_state') }}
with

settlements as (
    select * from {{ ref('stg_medical__settlements') }}
),

parameters as (
    select * from {{ ref('int_monitoring__parameters') }}
),

-- the lines read: all; or every line of a settlement a recomputed person has a line of (the
-- settlement's latest line may be another person's); or none
scope as (
    select settlements.*
    from settlements
    {%- if plan.mode == 'persons' %}
    where settlements.settlement_id in (
        select line.settlement_id
        from {{ ref('stg_medical__settlement_lines') }} as line
        where {{ in_change_scope(plan, 'line.id_number', 'self_pay_persons') }}
    )
    {%- elif plan.mode == 'none' %}
    where false
    {%- endif %}
),

-- one line per settlement ID (a resent line must not count twice)
known as (
    select distinct on (scope.settlement_id)
        scope.settlement_id,
        scope.id_number,
        scope.self_pay,
        scope.effective_date
    from scope
    where
        scope.id_number_valid
        and scope.settlement_date <= {{ as_of_date() }}
        and scope.self_pay is not null
    order by
        scope.settlement_id asc,
        scope.delivery_period desc,
        scope.delivery_version desc,
        scope.source_row desc
),

in_window as (
    select known.*
    from known
    cross join parameters
    where
        known.effective_date <= {{ as_of_date() }}
        and known.effective_date > {{ as_of_date() }}
        - make_interval(months => parameters.m02_window_months::integer)
),

final as (
    select
        in_window.id_number,
        sum(in_window.self_pay) as self_pay_12m,
        count(distinct in_window.settlement_id) as settlement_lines
    from in_window
    where {{ in_change_scope(plan, 'in_window.id_number', 'self_pay_persons') }}
    group by in_window.id_number
)

select * from final
