-- S03 帮扶干部: every cadre assignment (户编号 × 帮扶责任人证件号码 × 开始日期) listed in a monthly
-- full file of the cadre feed up to the check date's month. The file is a full snapshot, so an
-- assignment that disappears from it has ended: its end_date is the delivered 结束日期 of its
-- last listing, else the first day of the first later file's month that no longer lists it.
-- Current: listed in the latest file, started on or before the check date and not ended before
-- it (as staging's stg_assistance__current_cadre_assignments reads it).
with

listings as (
    select
        *,
        to_char(snapshot_month, 'YYYYMM') as period
    from {{ ref('stg_assistance__cadre_assignments') }}
    where
        snapshot_month <= {{ as_of_date() }}
        and household_id is not null
        and cadre_id_number is not null
        and start_date is not null
),

periods as (
    select distinct period from listings
),

latest_period as (
    select max(period) as period from periods
),

ranked as (
    select
        listings.*,
        row_number() over (
            partition by listings.household_id, listings.cadre_id_number, listings.start_date
            order by listings.period desc, listings.source_row desc
        ) as recency,
        min(listings.period) over (
            partition by listings.household_id, listings.cadre_id_number, listings.start_date
        ) as first_listed_period
    from listings
),

assignments as (
    select
        ranked.*,
        ranked.period as last_listed_period,
        (
            select min(periods.period) as next_period
            from periods
            where periods.period > ranked.period
        ) as first_absent_period
    from ranked
    where ranked.recency = 1
),

final as (
    select
        household_id || '|' || cadre_id_number || '|' || to_char(start_date, 'YYYY-MM-DD')
            as assignment_key,
        household_id,
        cadre_id_number,
        cadre_id_number_valid,
        cadre_name,
        unit_name,
        unit_level,
        start_date,
        case
            when end_date is not null then end_date
            when first_absent_period is not null then to_date(first_absent_period, 'YYYYMM')
        end as end_date,
        case
            when end_date is not null then 'end_date_delivered'
            when first_absent_period is not null then 'absent_from_snapshot'
        end as end_reason,
        (
            last_listed_period = (select latest_period.period from latest_period)
            and start_date <= {{ as_of_date() }}
            and (end_date is null or end_date >= {{ as_of_date() }})
        ) as is_current,
        first_listed_period,
        last_listed_period,
        batch_id,
        source_file,
        source_row
    from assignments
)

select * from final
