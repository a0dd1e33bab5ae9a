-- M03 控辍保学 (policy.md §2): a member of a registered household aged m03_min_age to
-- m03_max_age (6–15, whole years on the check date, from the birth date of the ID number) whose
-- own 学籍 record in the current snapshot (stg_education__current_enrolments, by ID number) has
-- status 辍学, or who has none: a record of another person with the same name does not count.
with

households as (
    select * from {{ ref('int_monitoring__households') }}
),

members as (
    select * from {{ ref('int_registry__current_members') }}
),

enrolments as (
    select * from {{ ref('stg_education__current_enrolments') }}
    where id_number_valid
),

parameters as (
    select * from {{ ref('int_monitoring__parameters') }}
),

children as (
    select
        members.household_id,
        members.id_number,
        members.name,
        extract(year from age({{ as_of_date() }}, members.birth_date))::integer as age
    from members
    where members.id_number_valid and members.birth_date is not null
),

final as (
    select
        'M03' as rule_code,
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        children.id_number,
        jsonb_build_object(
            'id_number', children.id_number,
            'age', children.age,
            'schooling_status', enrolments.status,
            'school_name', enrolments.school_name,
            'education_batch_id', enrolments.batch_id,
            'education_source_row', enrolments.source_row
        ) as evidence
    from children
    inner join households
        on children.household_id = households.household_id
    cross join parameters
    left join enrolments
        on children.id_number = enrolments.id_number
    where
        children.age between parameters.m03_min_age and parameters.m03_max_age
        and (
            enrolments.id_number is null
            or enrolments.status in {{ monitoring_codes('dropout_status') }}
        )
)

select * from final
