-- The hukou population as of the check date (var as_of): one row per person (normalised ID
-- number) ever present, cancelled persons included (status 'cancelled', with reason and date).
--
-- Start from the latest landed full snapshot whose snapshot_date (last day of its month) is on
-- or before as_of; then apply every delta change record from files dated after the snapshot
-- and on or before as_of (and with 变动日期 on or before as_of), in 变动日期 order, then file
-- date, then file line order. Without any usable snapshot, the deltas alone build the population.
-- Each descriptive field takes its last non-empty value; status, cancel reason and cancel date
-- come from the last record.
with

snapshots as (
    select * from {{ ref('stg_hukou__snapshots') }}
),

changes as (
    select * from {{ ref('stg_hukou__changes') }}
),

base_snapshot as (
    select
        batch_id,
        snapshot_date
    from snapshots
    where snapshot_date <= {{ as_of_date() }}
    group by batch_id, snapshot_date, delivery_version
    order by snapshot_date desc, delivery_version desc, batch_id desc
    limit 1
),

snapshot_records as (
    select
        snapshots.id_number,
        snapshots.name,
        snapshots.sex_code,
        snapshots.sex,
        snapshots.birth_date,
        snapshots.birth_date_raw,
        snapshots.ethnicity_code,
        snapshots.hukou_household_no,
        snapshots.relation_code,
        snapshots.relation,
        snapshots.region_code,
        snapshots.change_type,
        snapshots.cancel_reason,
        snapshots.change_date,
        'full' as record_kind,
        'hukou__full' as raw_table,
        snapshots.batch_id,
        snapshots.source_file,
        snapshots.source_row,
        0 as apply_phase,
        snapshots.snapshot_date as file_date
    from snapshots
    inner join base_snapshot
        on snapshots.batch_id = base_snapshot.batch_id
),

change_records as (
    select
        changes.id_number,
        changes.name,
        changes.sex_code,
        changes.sex,
        changes.birth_date,
        changes.birth_date_raw,
        changes.ethnicity_code,
        changes.hukou_household_no,
        changes.relation_code,
        changes.relation,
        changes.region_code,
        changes.change_type,
        changes.cancel_reason,
        changes.change_date,
        'delta' as record_kind,
        'hukou__delta' as raw_table,
        changes.batch_id,
        changes.source_file,
        changes.source_row,
        1 as apply_phase,
        changes.file_date
    from changes
    where
        changes.file_date <= {{ as_of_date() }}
        and changes.file_date > coalesce(
            (select base_snapshot.snapshot_date from base_snapshot), date '0001-01-01'
        )
        and coalesce(changes.change_date, changes.file_date) <= {{ as_of_date() }}
),

records as (
    select * from snapshot_records
    union all
    select * from change_records
),

ordered as (
    select
        *,
        row_number() over (
            partition by id_number
            order by
                apply_phase,
                coalesce(change_date, file_date),
                file_date,
                batch_id,
                source_row
        ) as apply_order,
        count(*) over (partition by id_number) as record_count
    from records
    where id_number is not null
),

latest as (
    select * from ordered
    where apply_order = record_count
),

attributes as (
    select
        id_number,
        (array_agg(name order by apply_order desc) filter (where name is not null))[1] as name,
        (array_agg(sex_code order by apply_order desc) filter (where sex_code is not null))[
            1
        ] as sex_code,
        (array_agg(birth_date_raw order by apply_order desc) filter (
            where birth_date_raw is not null
        ))[1] as birth_date_raw,
        (array_agg(ethnicity_code order by apply_order desc) filter (
            where ethnicity_code is not null
        ))[1] as ethnicity_code,
        (array_agg(hukou_household_no order by apply_order desc) filter (
            where hukou_household_no is not null
        ))[1] as hukou_household_no,
        (array_agg(relation_code order by apply_order desc) filter (
            where relation_code is not null
        ))[1] as relation_code,
        (array_agg(region_code order by apply_order desc) filter (
            where region_code is not null
        ))[1] as region_code,
        min(case when change_type = '新增' then coalesce(change_date, file_date) end)
            as first_added_on
    from ordered
    group by id_number
),

final as (
    select
        attributes.id_number,
        attributes.name,
        attributes.sex_code,
        {{ sex_label('attributes.sex_code') }} as sex,
        {{ parse_date('attributes.birth_date_raw') }} as birth_date,
        attributes.birth_date_raw,
        attributes.ethnicity_code,
        attributes.hukou_household_no,
        attributes.relation_code,
        {{ hukou_relation_label('attributes.relation_code') }} as relation,
        attributes.region_code,
        case when latest.change_type = '注销' then 'cancelled' else 'active' end as status,
        case when latest.change_type = '注销' then latest.cancel_reason end as cancel_reason,
        case
            when latest.change_type = '注销' then coalesce(latest.change_date, latest.file_date)
        end as cancelled_on,
        latest.change_type as last_change_type,
        latest.change_date as last_change_date,
        attributes.first_added_on,
        latest.record_count::integer as record_count,
        latest.record_kind as last_record_kind,
        latest.raw_table as last_raw_table,
        latest.batch_id,
        latest.source_file,
        latest.source_row,
        {{ as_of_date() }} as as_of
    from attributes
    inner join latest
        on attributes.id_number = latest.id_number
)

select * from final
