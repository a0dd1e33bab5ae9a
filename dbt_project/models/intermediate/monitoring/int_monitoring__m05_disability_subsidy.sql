-- M05 残疾补贴缺失 (policy.md §2): a member of a registered household holding a current
-- 残疾人证 (stg_disability__current_certificates, by ID number) with grade 1 to
-- m05_severe_max_grade (2) and no 重度残疾人护理补贴, or a disabled member of a poor household
-- (未脱贫 / 返贫, or attribute 低保贫困户 / 特困供养贫困户) without 困难残疾人生活补贴.
with

households as (
    select * from {{ ref('int_monitoring__households') }}
),

members as (
    select * from {{ ref('int_registry__current_members') }}
),

certificates as (
    select * from {{ ref('stg_disability__current_certificates') }}
    where id_number_valid
),

parameters as (
    select * from {{ ref('int_monitoring__parameters') }}
),

checked as (
    select
        households.household_key,
        households.household_id,
        households.hukou_household_no,
        members.id_number,
        certificates.grade,
        certificates.has_care_subsidy,
        certificates.has_living_subsidy,
        certificates.batch_id,
        certificates.source_row,
        households.is_poor_household,
        certificates.grade <= parameters.m05_severe_max_grade
        and not coalesce(certificates.has_care_subsidy, false) as lacks_care_subsidy,
        households.is_poor_household
        and not coalesce(certificates.has_living_subsidy, false) as lacks_living_subsidy
    from members
    inner join households
        on members.household_id = households.household_id
    inner join certificates
        on members.id_number = certificates.id_number
    cross join parameters
    where members.id_number_valid
),

final as (
    select distinct on (household_key, id_number)
        'M05' as rule_code,
        household_key,
        household_id,
        hukou_household_no,
        id_number,
        jsonb_build_object(
            'id_number', id_number,
            'grade', grade,
            'has_care_subsidy', has_care_subsidy,
            'has_living_subsidy', has_living_subsidy,
            'poor_household', is_poor_household,
            'lacks', array_remove(
                array[
                    case when lacks_care_subsidy then '重度残疾人护理补贴' end,
                    case when lacks_living_subsidy then '困难残疾人生活补贴' end
                ],
                null
            ),
            'disability_batch_id', batch_id,
            'disability_source_row', source_row
        ) as evidence
    from checked
    where lacks_care_subsidy or lacks_living_subsidy
    order by household_key, id_number
)

select * from final
