-- V10 身份不符: a checked member's ID number fails the GB 11643 check (id_invalid), or is not in
-- the hukou population at all, cancelled persons included (not_in_hukou), or the hukou record
-- has another name (name_differs) or a 出生日期 other than the birth date of the ID number
-- (birth_date_differs). One row per member and finding; evidence: the registry row, then the hukou record.
with

members as (
    select * from {{ ref('int_verification__checked_members') }}
),

population as (
    select * from {{ ref('int_hukou__population') }}
),

compared as (
    select
        members.household_id,
        members.id_number,
        members.member_key,
        members.registry_evidence,
        population.id_number is not null as in_hukou,
        case
            when not members.id_number_valid then array['id_invalid']
            when population.id_number is null then array['not_in_hukou']
            else array_remove(
                array[
                    case
                        when
                            regexp_replace(coalesce(members.name, ''), '\s', '', 'g')
                            <> regexp_replace(coalesce(population.name, ''), '\s', '', 'g')
                            then 'name_differs'
                    end,
                    case
                        when members.birth_date is distinct from population.birth_date
                            then 'birth_date_differs'
                    end
                ],
                null
            )
        end as findings,
        case
            when members.id_number_valid and population.id_number is not null
                then {{ evidence_entry(
                    "'hukou'", 'population.last_raw_table',
                    'population.batch_id', 'population.source_file', 'population.source_row',
                    [
                        ('id_number', 'population.id_number'),
                        ('name', 'population.name'),
                        ('sex', 'population.sex'),
                        ('birth_date', 'population.birth_date'),
                        ('birth_date_raw', 'population.birth_date_raw'),
                        ('hukou_household_no', 'population.hukou_household_no'),
                        ('region_code', 'population.region_code'),
                        ('status', 'population.status'),
                        ('cancel_reason', 'population.cancel_reason'),
                        ('cancelled_on', 'population.cancelled_on'),
                    ]
                ) }}
        end as hukou_evidence
    from members
    left join population
        on
            members.id_number_valid
            and members.id_number = population.id_number
),

final as (
    select
        'V10' as rule_code,
        finding.value as finding,
        compared.household_id,
        compared.id_number,
        case
            when compared.hukou_evidence is null then jsonb_build_array(compared.registry_evidence)
            else jsonb_build_array(compared.registry_evidence, compared.hukou_evidence)
        end as evidence
    from compared
    cross join lateral unnest(compared.findings) as finding (value)
)

select * from final
