-- The households the V rules check (policy.md §1): current registry households whose 脱贫标志
-- is 未脱贫 or 返贫, and 已脱贫 households that still receive support — in this slice chosen by
-- var exited_households_checked (all / recent / none; README "Checked households").
-- household_evidence is the household's registry row as an alert evidence entry.
{%- set exited_mode = var('exited_households_checked', 'all') %}
{%- if exited_mode not in ['all', 'recent', 'none'] %}
    {{ exceptions.raise_compiler_error("var exited_households_checked must be all, recent or none, got '" ~ exited_mode ~ "'") }}
{%- endif %}
with

households as (
    select * from {{ ref('int_registry__current_households') }}
),

checked as (
    select
        *,
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
        household_id,
        village_code,
        attribute,
        poverty_status,
        exit_year,
        size,
        net_income_per_capita,
        check_reason,
        batch_id,
        source_file,
        source_row,
        {{ evidence_entry(
            "'registry'", "'registry__household'",
            'batch_id', 'source_file', 'source_row',
            [
                ('household_id', 'household_id'),
                ('head_name', 'head_name'),
                ('village_code', 'village_code'),
                ('attribute', 'attribute'),
                ('poverty_status', 'poverty_status'),
                ('exit_year', 'exit_year'),
                ('size', 'size'),
                ('net_income_per_capita', 'net_income_per_capita'),
                ('registry_period', 'registry_period'),
            ]
        ) }} as household_evidence
    from checked
)

select * from final
