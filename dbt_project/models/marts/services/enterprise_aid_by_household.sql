-- Published S02 per household (policy.md §3): every enterprise that helped a household up to the
-- check date, with the total amount, the months and the methods; one row per household and
-- enterprise.
with

aid as (
    select * from {{ ref('enterprise_aid') }}
    where household_id is not null
),

final as (
    select
        household_id,
        uscc,
        (array_agg(enterprise_name order by aid_month desc))[1] as enterprise_name,
        sum(amount) as amount,
        sum(beneficiaries)::integer as beneficiaries,
        array_agg(distinct aid_month order by aid_month) as aid_months,
        string_agg(distinct method, '、' order by method) as methods
    from aid
    group by household_id, uscc
)

select * from final
