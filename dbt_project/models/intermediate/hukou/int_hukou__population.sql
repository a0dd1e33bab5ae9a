-- The hukou population as of the check date (var as_of): one row per person (normalised ID
-- number) ever present, cancelled persons included (status 'cancelled', with reason and date).
--
-- Start from the latest landed full snapshot whose snapshot_date (last day of its month) is on
-- or before as_of; then apply every delta change record from files dated after the snapshot
-- and on or before as_of (and with 变动日期 on or before as_of), in 变动日期 order, then file
-- date, then file line order. Without any usable snapshot, the deltas alone build the population.
-- Each descriptive field takes its last non-empty value; status, cancel reason and cancel date
-- come from the last record. One sort of the records, no self-join (the population is the
-- largest intermediate model).
-- Incremental by the persons a change names (macros/hukou_population.sql): a daily delta and
-- a check date one day on recompute the persons of the delta, not the whole population.
{%- set plan = population_plan() %}
{{ incremental_by_change(
    'population_prepare', 'population_state', indexes=[{'columns': ['built_at']}, {'columns': ['hukou_household_no']}]
) }}
{#- latest applied record first -#}
{%- set latest_first = 'apply_phase desc, coalesce(change_date, file_date) desc, file_date desc,'
    ~ ' batch_id desc, source_row desc' %}
with

deliveries as (
    select * from {{ source('ops', 'delivery') }}
),

snapshots as (
    select * from {{ ref('stg_hukou__snapshots') }}
),

changes as (
    select * from {{ ref('stg_hukou__changes') }}
),

base_snapshot as (
    {{ hukou_base_snapshot('deliveries') }}
),

snapshot_records as (
    select
        snapshots.id_number,
        snapshots.name,
        snapshots.sex_code,
        snapshots.birth_date_raw,
        snapshots.ethnicity_code,
        snapshots.hukou_household_no,
        snapshots.relation_code,
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
    where {{ in_change_scope(plan, 'snapshots.id_number', 'population_persons') }}
),

change_records as (
    select
        changes.id_number,
        changes.name,
        changes.sex_code,
        changes.birth_date_raw,
        changes.ethnicity_code,
        changes.hukou_household_no,
        changes.relation_code,
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
        and {{ in_change_scope(plan, 'changes.id_number', 'population_persons') }}
),

records as (
    select * from snapshot_records
    union all
    select * from change_records
),

-- Every record with its person's last non-empty values, in one sort of the records: window
-- aggregates over the whole, ordered partition (computed once per person) instead of one
-- ordered aggregate per field, each of which sorted every person's records again.
ranked as (
    select
        *,
        row_number() over latest_first as recency,
        (array_agg(name) filter (
            where name is not null
        ) over person)[1] as last_name,
        (array_agg(sex_code) filter (
            where sex_code is not null
        ) over person)[1] as last_sex_code,
        (array_agg(birth_date_raw) filter (
            where birth_date_raw is not null
        ) over person)[1] as last_birth_date_raw,
        (array_agg(ethnicity_code) filter (
            where ethnicity_code is not null
        ) over person)[1] as last_ethnicity_code,
        (array_agg(hukou_household_no) filter (
            where hukou_household_no is not null
        ) over person)[1] as last_hukou_household_no,
        (array_agg(relation_code) filter (
            where relation_code is not null
        ) over person)[1] as last_relation_code,
        (array_agg(region_code) filter (
            where region_code is not null
        ) over person)[1] as last_region_code,
        min(case when change_type = '新增' then coalesce(change_date, file_date) end)
            over person as first_added_on,
        count(*) over person as record_count
    from records
    where id_number is not null
    window
        latest_first as (partition by id_number order by {{ latest_first }}),
        person as (latest_first rows between unbounded preceding and unbounded following)
),

-- The last record of each person, with the last non-empty descriptive values.
applied as (
    select
        id_number,
        last_name as name,
        last_sex_code as sex_code,
        last_birth_date_raw as birth_date_raw,
        last_ethnicity_code as ethnicity_code,
        last_hukou_household_no as hukou_household_no,
        last_relation_code as relation_code,
        last_region_code as region_code,
        change_type as last_change_type,
        cancel_reason as last_cancel_reason,
        change_date as last_change_date,
        file_date as last_file_date,
        record_kind as last_record_kind,
        raw_table as last_raw_table,
        batch_id,
        source_file,
        source_row,
        first_added_on,
        record_count::integer as record_count
    from ranked
    where recency = 1
),

final as (
    select
        id_number,
        name,
        sex_code,
        {{ sex_label('sex_code') }} as sex,
        {{ parse_date('birth_date_raw') }} as birth_date,
        birth_date_raw,
        ethnicity_code,
        hukou_household_no,
        relation_code,
        {{ hukou_relation_label('relation_code') }} as relation,
        region_code,
        case when last_change_type = '注销' then 'cancelled' else 'active' end as status,
        case when last_change_type = '注销' then last_cancel_reason end as cancel_reason,
        case
            when last_change_type = '注销' then coalesce(last_change_date, last_file_date)
        end as cancelled_on,
        last_change_type,
        last_change_date,
        first_added_on,
        record_count,
        last_record_kind,
        last_raw_table,
        batch_id,
        source_file,
        source_row,
        now() as built_at
    from applied
)

select * from final
