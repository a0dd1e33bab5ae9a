-- S01 高校录取资助, this run's list: the students admitted to college in the check date's year
-- (admission file of that year, admitted on or before the check date) who are members of a
-- registered household (current registry) or of a monitored one (policy.md S01): an open
-- monitoring object that is not registered, whose members are the active hukou persons of its
-- 户号. Once per student per year: the admission listed twice counts once; a student in both
-- kinds of household is listed with the registered one.
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

monitored as (
    select
        monitoring_objects.household_id,
        population.id_number,
        monitoring_objects.hukou_household_no,
        'monitored' as household_kind
    from {{ ref('monitoring_object') }} as monitoring_objects
    inner join {{ ref('int_hukou__population') }} as population
        on monitoring_objects.hukou_household_no = population.hukou_household_no
    where
        monitoring_objects.removed_on is null
        and not monitoring_objects.is_registered
        and population.status = 'active'
),

households as (
    select * from registered
    union all
    select * from monitored
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
