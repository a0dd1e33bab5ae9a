-- Read by the national push (entity assistance, national-exchange.md): one row per cadre
-- assignment of marts.cadre_assignment, current and ended (the national copy keeps the end
-- date), keyed 户编号|帮扶责任人证件号码|开始日期 (fupin/exchange/protocol.py). Sent only when the
-- cadre's ID number passes the check and the household itself is sent (sync_household): the
-- national side refuses an assistance record of a household it does not know.
with

assignments as (
    select * from {{ ref('cadre_assignment') }}
),

households as (
    select * from {{ ref('sync_household') }}
),

records as (
    select
        assignments.assignment_key as record_key,
        assignments.household_id,
        jsonb_build_object(
            'cadre_id_number', assignments.cadre_id_number,
            'cadre_name', assignments.cadre_name,
            'unit_name', assignments.unit_name,
            'unit_level', assignments.unit_level,
            'start_date', to_char(assignments.start_date, 'YYYY-MM-DD'),
            'end_date', to_char(assignments.end_date, 'YYYY-MM-DD'),
            'is_current', assignments.is_current
        ) as data
    from assignments
    inner join households
        on assignments.household_id = households.household_id
    where
        ops.id_number_is_valid(assignments.cadre_id_number)
        and nullif(trim(assignments.cadre_name), '') is not null
),

final as (
    select
        record_key,
        household_id,
        data,
        md5(data::text) as content_hash
    from records
)

select * from final
