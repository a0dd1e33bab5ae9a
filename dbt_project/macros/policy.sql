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

{#- The thresholds of the V rules: seed policy_thresholds with var policy_threshold_overrides
    ({threshold: amount}) on top. An unknown threshold or a non-number stops the run naming the
    key. Returns a query with columns (threshold, amount, origin). -#}
{% macro policy_thresholds_with_overrides() -%}
    {%- set overrides = var('policy_threshold_overrides', {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error("var policy_threshold_overrides must be a mapping threshold -> amount") }}
    {%- endif -%}
    {%- set known = policy_threshold_keys() -%}
    {%- for key, amount in overrides.items() -%}
        {%- if key not in known -%}
            {{ exceptions.raise_compiler_error("var policy_threshold_overrides: unknown threshold '" ~ key ~ "' (known: " ~ known | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if modules.re.match('^[0-9]+(\\.[0-9]+)?$', amount | string) is none -%}
            {{ exceptions.raise_compiler_error("var policy_threshold_overrides: " ~ key ~ " is not a number: '" ~ amount ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    select
        seeded.threshold,
        seeded.amount::numeric as amount,
        'seed policy_thresholds' as origin
    from {{ ref('policy_thresholds') }} as seeded
    {%- if overrides %}
    where seeded.threshold not in ('{{ overrides.keys() | join("', '") }}')
    {%- endif %}
    {%- for key, amount in overrides.items() %}
    union all
    select
        '{{ key }}' as threshold,
        {{ amount | string }}::numeric as amount,
        'var policy_threshold_overrides' as origin
    {%- endfor %}
{%- endmacro %}

{#- The threshold keys the rules read (seed policy_thresholds). -#}
{% macro policy_threshold_keys() -%}
    {{ return(['vehicle_price_min', 'business_capital_min_wan', 'pension_base_min']) }}
{%- endmacro %}

{#- The code lists the rules read (seed policy_code_lists). -#}
{% macro policy_code_list_keys() -%}
    {{ return([
        'vehicle_excluded_types', 'vehicle_excluded_usages', 'vehicle_counted_statuses',
        'property_acquiring_registrations', 'property_counted_uses',
        'business_excluded_entity_types', 'business_counted_statuses',
    ]) }}
{%- endmacro %}

{#- The code lists: seed policy_code_lists, a list named in var policy_code_list_overrides
    ({list: [code, ...]}) replaced as a whole (an empty list is allowed: nothing excluded).
    Returns a query with columns (code_list, code, origin). -#}
{% macro policy_code_lists_with_overrides() -%}
    {%- set overrides = var('policy_code_list_overrides', {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error("var policy_code_list_overrides must be a mapping list -> [codes]") }}
    {%- endif -%}
    {%- set known = policy_code_list_keys() -%}
    {%- for key, codes in overrides.items() -%}
        {%- if key not in known -%}
            {{ exceptions.raise_compiler_error("var policy_code_list_overrides: unknown code list '" ~ key ~ "' (known: " ~ known | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if codes is string or codes is mapping or codes is not iterable -%}
            {{ exceptions.raise_compiler_error("var policy_code_list_overrides: " ~ key ~ " must be a list of codes") }}
        {%- endif -%}
    {%- endfor -%}
    select
        seeded.code_list,
        seeded.code,
        'seed policy_code_lists' as origin
    from {{ ref('policy_code_lists') }} as seeded
    {%- if overrides %}
    where seeded.code_list not in ('{{ overrides.keys() | join("', '") }}')
    {%- endif %}
    {%- for key, codes in overrides.items() %}
    {%- for code in codes %}
    union all
    select
        '{{ key }}' as code_list,
        '{{ code | string | replace("'", "''") }}' as code,
        'var policy_code_list_overrides' as origin
    {%- endfor %}
    {%- endfor %}
{%- endmacro %}

{#- A threshold's amount as a scalar subquery over int_policy__thresholds. -#}
{% macro policy_threshold(key) -%}
    (select thresholds.amount from {{ ref('int_policy__thresholds') }} as thresholds where thresholds.threshold = '{{ key }}')
{%- endmacro %}

{#- A code list as a subquery over int_policy__code_lists, for `value in {{ policy_codes(...) }}`. -#}
{% macro policy_codes(key) -%}
    (select code_lists.code from {{ ref('int_policy__code_lists') }} as code_lists where code_lists.code_list = '{{ key }}')
{%- endmacro %}

{#- Var policy_rule_overrides: {"V02": {enabled: false}, "V02.vehicle_price_unknown":
    {severity: medium}} switches a rule (every finding) or one finding on or off and sets its
    severity. Validated here; returns a list of (rule_code, finding or none, key, value). -#}
{% macro policy_rule_override_items() -%}
    {%- set overrides = var('policy_rule_overrides', {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error("var policy_rule_overrides must be a mapping RULE[.finding] -> {enabled, severity}") }}
    {%- endif -%}
    {%- set items = [] -%}
    {%- for target, settings in overrides.items() -%}
        {%- set match = modules.re.match('^([VM][0-9]{2})(?:\\.([a-z0-9_]+))?$', target | string) -%}
        {%- if match is none -%}
            {{ exceptions.raise_compiler_error("var policy_rule_overrides: '" ~ target ~ "' is not a rule code (V02) or rule.finding (V02.vehicle_price_unknown)") }}
        {%- endif -%}
        {%- if settings is not mapping -%}
            {{ exceptions.raise_compiler_error("var policy_rule_overrides: " ~ target ~ " must be a mapping with enabled and/or severity") }}
        {%- endif -%}
        {%- for key, value in settings.items() -%}
            {%- if key == 'enabled' and value not in [true, false] -%}
                {{ exceptions.raise_compiler_error("var policy_rule_overrides: " ~ target ~ ".enabled must be true or false, got '" ~ value ~ "'") }}
            {%- elif key == 'severity' and value not in ['high', 'medium', 'low'] -%}
                {{ exceptions.raise_compiler_error("var policy_rule_overrides: " ~ target ~ ".severity must be high, medium or low, got '" ~ value ~ "'") }}
            {%- elif key not in ['enabled', 'severity'] -%}
                {{ exceptions.raise_compiler_error("var policy_rule_overrides: " ~ target ~ ": unknown setting '" ~ key ~ "' (enabled, severity)") }}
            {%- endif -%}
            {%- do items.append((match.group(1), match.group(2), key, value)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(items) }}
{%- endmacro %}

{#- The SQL expression of a policy_rules column (enabled / severity) with the overrides of var
    policy_rule_overrides applied; a finding's own override wins over its rule's. -#}
{% macro policy_rule_setting(column) -%}
    {%- set items = policy_rule_override_items() | selectattr(2, 'equalto', column) | list -%}
    {%- if not items -%}
        {{ column }}
    {%- else -%}
        case
            {#- a finding's own override first: the first matching branch wins #}
            {%- for rule_code, finding, key, value in items if finding %}
            when rule_code = '{{ rule_code }}' and finding = '{{ finding }}' then {{ policy_literal(column, value) }}
            {%- endfor %}
            {%- for rule_code, finding, key, value in items if not finding %}
            when rule_code = '{{ rule_code }}' then {{ policy_literal(column, value) }}
            {%- endfor %}
            else {{ column }}
        end
    {%- endif -%}
{%- endmacro %}

{#- Where a policy_rules column's value came from: the seed or the override var. -#}
{% macro policy_rule_origin() -%}
    {%- set items = policy_rule_override_items() -%}
    {%- if not items -%}
        'seed policy_rules'
    {%- else -%}
        case
            {%- for rule_code, finding, key, value in items %}
            when rule_code = '{{ rule_code }}'{% if finding %} and finding = '{{ finding }}'{% endif %} then 'var policy_rule_overrides'
            {%- endfor %}
            else 'seed policy_rules'
        end
    {%- endif -%}
{%- endmacro %}

{% macro policy_literal(column, value) -%}
    {%- if column == 'enabled' -%}{{ value | string | lower }}{%- else -%}'{{ value }}'{%- endif -%}
{%- endmacro %}

{#- V09's refusal (issue 13): when a checked 已脱贫 household exited in a year with no
    configured poverty line, stop the run with a message naming the year(s) and the key to set.
    A pre-hook (a DO block run by the database before the model), so compiling the project
    (docs, sqlfluff) needs no built tables; a unit test runs no hooks. -#}
{% macro refuse_unconfigured_poverty_lines(households_relation, lines_relation) -%}
do $refuse$
declare
    missing_years text;
    first_year integer;
begin
    select string_agg(exit_year::text, ', ' order by exit_year), min(exit_year)
    into missing_years, first_year
    from (
        select distinct households.exit_year
        from {{ households_relation }} as households
        where
            households.poverty_status = '已脱贫'
            and households.exit_year is not null
            and households.exit_year not in (select policy_year from {{ lines_relation }})
    ) as missing;
    if missing_years is not null then
        raise exception 'V09 虚假脱贫 refuses to run: no poverty line is configured for year % (households exited that year). Set it in the configuration file under policy.poverty_line.% (dbt var poverty_line_overrides). 2017-2019 have no verified default and are never guessed.',
            missing_years, first_year
            using errcode = '22023';
    end if;
end
$refuse$
{%- endmacro %}
