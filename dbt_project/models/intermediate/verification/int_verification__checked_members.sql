-- The members the V rules check (policy.md §1): members of current registry households whose
-- 脱贫标志 is 未脱贫 or 返贫, and of 已脱贫 households that still receive support — in this slice
-- chosen by var exited_households_checked (all / recent / none; README "Checked households").
-- registry_evidence is the member's registry row as an alert evidence entry.
{%- set exited_mode = var('exited_households_checked', 'all') %}
{%- if exited_mode not in ['all', 'recent', 'none'] %}
    {{ exceptions.raise_compiler_error("var exited_households_checked must be all, recent or none, got '" ~ exited_mode ~ "'") }}
{%- endif %}
with

members as (
    select * from {{ ref('int_registry__current_members') }}
),

households as (
    select * from {{ ref('int_registry__current_households') }}
),

checked_households as (
    select
        household_id,
        poverty_status,
        exit_year,
        case
            when poverty_status in ('未脱贫', '返贫') then 'poor'
            else 'exited_supported'
        end as check_reason
    from households
    where
        poverty_status in ('未脱贫', '返贫')
        {%- if exited_mode == 'all' %}
        or poverty_status = '已脱贫'
        {%- elif exited_mode == 'recent' %}
        or (
            poverty_status = '已脱贫'
            and exit_year >= extract(year from {{ as_of_date() }})::integer
            - {{ var('exited_support_years', 5) | int }}
        )
        {%- endif %}
),

final as (
    select
        members.member_key,
        members.household_id,
        members.id_number,
        members.id_number_raw,
        members.id_number_valid,
        members.birth_date,
        members.name,
        members.relation,
        checked_households.poverty_status,
        checked_households.check_reason,
        members.batch_id,
        members.source_file,
        members.source_row,
        {{ evidence_entry(
            "'registry'", "'registry__member'",
            'members.batch_id', 'members.source_file', 'members.source_row',
            [
                ('household_id', 'members.household_id'),
                ('name', 'members.name'),
                ('id_number_raw', 'members.id_number_raw'),
                ('id_number', 'members.id_number'),
                ('relation', 'members.relation'),
                ('registry_period', 'members.registry_period'),
            ]
        ) }} as registry_evidence
    from members
    inner join checked_households
        on members.household_id = checked_households.household_id
)

select * from final
