-- The standard member record for the national system of every current member, and the reasons
-- it cannot be sent (problems, empty = sendable): an ID number that fails the GB 11643 check
-- (the national system rejects it; V10 reports it to the county), missing name or relation,
-- codes outside the registry's lists, or a household that is not itself sendable (the national
-- system would hold the member as unknown_household). record_key is member_key: 户编号|证件号码
-- (for a member without any ID number, which is never sendable, 户编号|#batch:row).
with

members as (
    select * from {{ ref('member') }}
),

-- a member's household is a registered one: the monitoring's new households have no
-- registry members (and their reserved 户编号 are new)
households as (
    select * from {{ ref('int_exchange__registered_household_records') }}
),

records as (
    select
        members.household_id,
        members.id_number,
        members.member_key,
        jsonb_build_object(
            'household_id', members.household_id,
            'id_number', members.id_number,
            'name', members.name,
            'relation', members.relation,
            'sex', members.sex,
            'birth_date', to_char(members.birth_date, 'YYYY-MM-DD'),
            'ethnicity', members.ethnicity,
            'education', members.education,
            'schooling', members.schooling,
            'health', members.health,
            'labour_skill', members.labour_skill,
            'work_status', members.work_status,
            'work_months', members.work_months,
            'has_serious_illness_insurance', members.has_serious_illness_insurance,
            'has_resident_pension', members.has_resident_pension
        ) as data,
        array_remove(
            array[
                case
                    when members.id_number is null then 'id_number is missing'
                    when not members.id_number_valid
                        then 'id_number fails the GB 11643 check'
                end,
                case when members.name is null then 'name is missing' end,
                case when members.relation is null then 'relation is missing' end,
                {{ code_problem('members.relation', 'relation', 'relation') }},
                case
                    when members.sex_raw is not null and members.sex is null
                        then 'sex: unknown code ' || members.sex_raw
                end,
                {{ code_problem('members.education', 'education', 'education') }},
                {{ code_problem('members.schooling', 'schooling', 'schooling') }},
                {{ code_problem('members.health', 'health', 'health') }},
                {{ code_problem('members.labour_skill', 'labour_skill', 'labour_skill') }},
                case
                    when households.household_id is null
                        then 'household is not in the registry household sheet'
                    when not households.sendable then 'household is not sendable'
                end
            ],
            null
        ) as problems
    from members
    left join households
        on members.household_id = households.household_id
),

final as (
    select
        'member' as entity,
        member_key as record_key,
        household_id,
        id_number,
        member_key,
        data,
        md5(data::text) as content_hash,
        problems,
        cardinality(problems) = 0 as sendable
    from records
)

select * from final
