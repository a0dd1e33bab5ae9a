-- 帮扶责任人 as of the check date: the assignments of the latest landed snapshot whose month has
-- begun on as_of, started on or before as_of and not ended before it (结束日期 on as_of is still
-- current). An assignment missing from that snapshot has ended, whatever its 结束日期 said.
with

assignments as (
    select * from {{ ref('stg_assistance__cadre_assignments') }}
),

current_snapshot as (
    select max(snapshot_month) as snapshot_month
    from assignments
    where snapshot_month <= {{ as_of_date() }}
),

final as (
    select assignments.*
    from assignments
    inner join current_snapshot
        on assignments.snapshot_month = current_snapshot.snapshot_month
    where
        (assignments.start_date is null or assignments.start_date <= {{ as_of_date() }})
        and (assignments.end_date is null or assignments.end_date >= {{ as_of_date() }})
)

select * from final  -- noqa: AM04
