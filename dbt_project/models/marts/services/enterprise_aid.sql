-- Published S02 企业帮扶 (warehouse-contract.md §3): one row per enterprise × target × month of
-- the aid delivered up to the check date: amount and beneficiaries summed, the methods used
-- (joined with 、). A target is a village (村代码) or a household (户编号); village_code is the
-- village either way, household_id set for a household target.
with

aid as (
    select
        *,
        -- 帮扶日期, else the file's month (a row without a date still counts in its month)
        coalesce(aid_date, aid_month) as aid_day
    from {{ ref('stg_assistance__enterprise_aid') }}
    where coalesce(aid_date, aid_month) <= {{ as_of_date() }}
),

final as (
    select
        md5(uscc || '|' || target_type || '|' || target_code || '|' || to_char(aid_day, 'YYYY-MM'))
            as aid_key,
        uscc,
        (array_agg(enterprise_name order by aid_day desc, source_row desc))[1]
            as enterprise_name,
        target_type,
        target_code,
        min(village_code) as village_code,
        min(household_id) as household_id,
        string_agg(distinct method, '、' order by method) as method,
        sum(amount) as amount,
        sum(beneficiaries)::integer as beneficiaries,
        count(*)::integer as aid_records,
        to_char(aid_day, 'YYYY-MM') as aid_month,
        jsonb_agg(
            jsonb_build_object(
                'batch_id', batch_id, 'source_file', source_file, 'source_row', source_row
            )
            order by batch_id, source_row
        ) as sources
    from aid
    where uscc is not null and target_code is not null
    group by uscc, target_type, target_code, to_char(aid_day, 'YYYY-MM')
)

select * from final
