-- V10 身份不符: a checked member's ID number fails the GB 11643 check (id_invalid), or is not in
-- the hukou population at all, cancelled persons included (not_in_hukou), or the hukou record
-- has another name (name_differs) or a 出生日期 other than the birth date of the ID number
-- (birth_date_differs). One row per member and finding; evidence: the registry row, then the
-- hukou record.
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
        members.id_number_valid,
        members.registry_evidence,
        population.id_number is not null as in_hukou,
        (
            regexp_replace(coalesce(members.name, ''), '\s', '', 'g')
            <> regexp_replace(coalesce(population.name, ''), '\s', '', 'g')
        ) as name_differs,
        (members.birth_date is distinct from population.birth_date) as birth_date_differs,
        {{ evidence_entry(
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
        ) }} as hukou_evidence
    from members
    left join population
        on
            members.id_number_valid
            and members.id_number = population.id_number
),

final as (
    select
        'V10' as rule_code,
        finding.code as finding,
        compared.household_id,
        compared.id_number,
        case
            when compared.in_hukou
                then jsonb_build_array(compared.registry_evidence, compared.hukou_evidence)
            else jsonb_build_array(compared.registry_evidence)
        end as evidence
    from compared
    cross join
        lateral (
            values
            ('id_invalid', not compared.id_number_valid),
            ('not_in_hukou', compared.id_number_valid and not compared.in_hukou),
            ('name_differs', compared.in_hukou and compared.name_differs),
            ('birth_date_differs', compared.in_hukou and compared.birth_date_differs)
        ) as finding (code, fires)
    where finding.fires
)

select * from final
