-- The monitoring rules' parameters as one row (a column per parameter): seed
-- policy_monitoring_parameters with var monitoring_parameter_overrides ({name: number}) on top.
{%- set overrides = var('monitoring_parameter_overrides', {}) or {} %}
{%- if overrides is not mapping %}
    {{ exceptions.raise_compiler_error("var monitoring_parameter_overrides must be a mapping parameter -> number") }}
{%- endif %}
{%- set names = ['m02_self_pay_exited', 'm02_self_pay_other_rural', 'm02_share_of_income',
    'm02_window_months', 'm03_min_age', 'm03_max_age', 'm05_severe_max_grade',
    'm06_min_labourers', 'removal_months'] %}
{%- for name, value in overrides.items() %}
    {%- if name not in names %}
        {{ exceptions.raise_compiler_error("var monitoring_parameter_overrides: unknown parameter '" ~ name ~ "' (known: " ~ names | join(', ') ~ ")") }}
    {%- endif %}
    {%- if modules.re.match('^[0-9]+(\\.[0-9]+)?$', value | string) is none %}
        {{ exceptions.raise_compiler_error("var monitoring_parameter_overrides: " ~ name ~ " is not a number: '" ~ value ~ "'") }}
    {%- endif %}
{%- endfor %}
with

seeded as (
    select * from {{ ref('policy_monitoring_parameters') }}
),

final as (
    select
    {%- for name in names %}
        {%- if name in overrides %}
        {{ overrides[name] | string }}::numeric as {{ name }}
        {%- else %}
        max(value) filter (where parameter = '{{ name }}') as {{ name }}
        {%- endif %}{{ "," if not loop.last }}
    {%- endfor %}
    from seeded
)

select * from final
