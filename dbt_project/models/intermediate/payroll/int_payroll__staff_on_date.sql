-- State-payroll positions as of the check date (var as_of): one row per person (normalised
-- ID number) and unit ever listed.
--
-- Start from the latest landed yearly full list whose year is on or before the as_of year;
-- then apply the monthly change lists of that year onwards up to the as_of month, in period
-- order, then file row order: 新增 adds (or replaces) the position, 减少 ends it (its
-- 停薪日期, or the first day of the change month when it has none). Without any full list, the
-- changes alone build the state. A person is on the payroll on as_of when the position's
-- category is 在职 or 退休, its 起薪日期 is empty or on/before as_of, and it has no 停薪日期
-- before as_of (macro is_on_state_payroll).
{#- it reads the payroll's batches of the ledger only (build_cache.sql, node_feeds) -#}
{{ config(
    indexes=[{'columns': ['id_number']}],
    meta={'ledger_feeds': ['payroll']},
) }}
with

deliveries as (
    select * from {{ source('ops', 'delivery') }}
),

staff as (
    select * from {{ ref('stg_payroll__staff') }}
),

changes as (
    select * from {{ ref('stg_payroll__changes') }}
),

base_list as (
    select
        batch_id,
        cast(period as integer) as list_year
    from deliveries
    where
        feed = 'payroll'
        and kind = 'full'
        and status = 'landed'
        and period ~ '^[0-9]{4}$'
        and cast(period as integer) <= extract(year from {{ as_of_date() }})
    order by period desc, version desc, batch_id desc
    limit 1
),

list_records as (
    select
        staff.id_number,
        staff.name,
        staff.unit_name,
        staff.unit_type,
        staff.staff_category,
        staff.pay_start_date,
        staff.pay_end_date,
        'full' as record_kind,
        cast(null as text) as change_type,
        'payroll__full' as raw_table,
        staff.batch_id,
        staff.source_file,
        staff.source_row,
        0 as apply_phase,
        make_date(staff.list_year, 1, 1) as period_start
    from staff
    inner join base_list
        on staff.batch_id = base_list.batch_id
),

change_records as (
    select
        changes.id_number,
        changes.name,
        changes.unit_name,
        changes.unit_type,
        changes.staff_category,
        changes.pay_start_date,
        case
            when changes.change_type = '减少'
                then coalesce(changes.pay_end_date, changes.change_month)
            else changes.pay_end_date
        end as pay_end_date,
        'change' as record_kind,
        changes.change_type,
        'payroll__change' as raw_table,
        changes.batch_id,
        changes.source_file,
        changes.source_row,
        1 as apply_phase,
        changes.change_month as period_start
    from changes
    where
        changes.change_month <= {{ as_of_date() }}
        and changes.change_month >= coalesce(
            (select make_date(base_list.list_year, 1, 1) as list_start from base_list),
            date '0001-01-01'
        )
),

records as (
    select * from list_records
    union all
    select * from change_records
),

ranked as (
    select
        *,
        row_number() over (
            partition by id_number, coalesce(unit_name, '')
            order by apply_phase desc, period_start desc, batch_id desc, source_row desc
        ) as recency
    from records
    where id_number is not null
),

final as (
    select
        id_number,
        name,
        unit_name,
        unit_type,
        staff_category,
        pay_start_date,
        pay_end_date,
        coalesce(change_type = '减少', false) as is_removed,
        {{ is_on_state_payroll() }} as is_on_payroll,
        record_kind as last_record_kind,
        change_type as last_change_type,
        raw_table as last_raw_table,
        batch_id,
        source_file,
        source_row,
        {{ as_of_date() }} as as_of
    from ranked
    where recency = 1
)

select * from final
