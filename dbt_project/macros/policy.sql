{#- Policy values by year: the seeded defaults (policy.md) with the run's var overrides on top.
    overrides_var names a dbt var holding {year: amount}, e.g.
        --vars '{poverty_line_overrides: {"2017": 3000}}'
    Returns a query with columns (policy_year integer, amount numeric, origin text). -#}
{% macro policy_by_year(seed_name, overrides_var) -%}
    {%- set overrides = var(overrides_var, {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error("var " ~ overrides_var ~ " must be a mapping year -> amount") }}
    {%- endif -%}
    {%- set years = [] -%}
    {%- for year, amount in overrides.items() -%}
        {%- if modules.re.match('^[0-9]{4}$', year | string) is none -%}
            {{ exceptions.raise_compiler_error("var " ~ overrides_var ~ ": '" ~ year ~ "' is not a year") }}
        {%- endif -%}
        {%- if modules.re.match('^[0-9]+(\\.[0-9]+)?$', amount | string) is none -%}
            {{ exceptions.raise_compiler_error("var " ~ overrides_var ~ ": amount for " ~ year ~ " is not a number: '" ~ amount ~ "'") }}
        {%- endif -%}
        {%- do years.append(year | string | int) -%}
    {%- endfor -%}
    select
        seeded.policy_year::integer as policy_year,
        seeded.amount::numeric as amount,
        'seed' as origin
    from {{ ref(seed_name) }} as seeded
    {%- if years %}
    where seeded.policy_year::integer not in ({{ years | join(', ') }})
    {%- endif %}
    {%- for year, amount in overrides.items() %}
    union all
    select
        {{ year | string | int }} as policy_year,
        {{ amount | string }}::numeric as amount,
        'var {{ overrides_var }}' as origin
    {%- endfor %}
{%- endmacro %}

{#- V01's reading of "on the state payroll on the check date" (policy.md §1: 在职 or 退休, no
    停薪日期 before the check date) over a row of int_payroll__staff_on_date: 在职 or 退休,
    起薪日期 empty or not after the check date, and 停薪日期 empty or on / after it (pay stopping
    on the check date is not "before" it). A 减少 carries its 停薪日期, or the first day of its
    change month. -#}
{% macro is_on_state_payroll(alias=none) -%}
    {%- set p = alias ~ '.' if alias else '' -%}
    (
        coalesce({{ p }}staff_category in ('在职', '退休'), false)
        and ({{ p }}pay_start_date is null or {{ p }}pay_start_date <= {{ as_of_date() }})
        and ({{ p }}pay_end_date is null or {{ p }}pay_end_date >= {{ as_of_date() }})
    )
{%- endmacro %}
