-- S01 高校录取资助, this run's list: the students admitted to college in the check date's year
-- (admission file of that year, admitted on or before the check date) who are members of a
-- registered household (current registry). Once per student per year: the admission listed
-- twice counts once. Monitored households (policy.md S01) join here once marts.monitoring_object
-- is in the project: a union with its open, unregistered objects' hukou persons.
with

admissions as (
    select * from {{ ref('stg_education__admissions') }}
    where
        admission_year = extract(year from {{ as_of_date() }})::integer
        and (admitted_at is null or admitted_at <= {{ as_of_date() }})
        and id_number_valid
),

registered as (
    select
        household_id,
        id_number,
        null::text as hukou_household_no,
        'registered' as household_kind
    from {{ ref('int_registry__current_members') }}
    where id_number_valid
),

households as (
    select * from registered
),

matched as (
    select
        admissions.id_number,
        households.household_id,
        households.hukou_household_no,
        households.household_kind,
        admissions.admission_year,
        admissions.name,
        admissions.university,
        admissions.major,
        admissions.level,
        admissions.admitted_at as admitted_on,
        admissions.exam_no,
        admissions.batch_id,
        admissions.source_file,
        admissions.source_row,
        row_number() over (
            partition by admissions.id_number, admissions.admission_year
            order by
                households.household_kind = 'registered' desc,
                households.household_id asc,
                admissions.batch_id desc,
                admissions.source_row asc
        ) as pick
    from admissions
    inner join households
        on admissions.id_number = households.id_number
),

final as (
    select
        md5(id_number || '|' || admission_year::text) as aid_key,
        id_number,
        household_id,
        hukou_household_no,
        household_kind,
        admission_year,
        name,
        university,
        major,
        level,
        admitted_on,
        exam_no,
        batch_id,
        source_file,
        source_row
    from matched
    where pick = 1
)

select * from final
