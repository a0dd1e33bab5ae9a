{#- The monitoring rule models whose rows int_monitoring__risks collects. A rule model has one
    row per firing household (and member, where a member matters) with the columns rule_code,
    household_key (户编号, or 'hukou:' || 户号 for a household that is not registered),
    household_id (户编号 or NULL), hukou_household_no (NULL for registered households),
    id_number (NULL for household-level rules) and evidence (jsonb object of the facts). -#}
{% macro monitoring_rule_models() -%}
    {{ return([
        'int_monitoring__m01_low_income',
        'int_monitoring__m02_medical_expense',
        'int_monitoring__m03_schooling',
        'int_monitoring__m04_unsafe_housing',
        'int_monitoring__m05_disability_subsidy',
        'int_monitoring__m06_relocated_unemployed',
        'int_monitoring__m07_labourer_died',
    ]) }}
{%- endmacro %}

{#- The codes of one list of seed policy_monitoring_codes, as a subquery for `in (...)`. -#}
{% macro monitoring_codes(code_list) -%}
    (select code from {{ ref('policy_monitoring_codes') }} where code_list = '{{ code_list }}')
{%- endmacro %}

{#- Reserve a new 户编号 for every unregistered monitoring object of this build that has none
    (policy.md §2): its hukou village code + the next free 8-digit sequence of that village,
    free meaning above every sequence already reserved there and every 户编号 the registry has
    delivered for that village. Runs as a pre-hook of int_monitoring__new_households, inside
    its transaction; a transaction-scoped advisory lock serialises two builds on one warehouse
    (the builder may insert into the table but not update it, so no table lock). ops.household_number is
    append-only (migration 0006), so a number is never changed or reused. -#}
{% macro reserve_household_numbers() -%}
    select pg_advisory_xact_lock(hashtext('ops.household_number'));
    insert into ops.household_number
        (household_id, village_code, sequence, hukou_household_no, reason, reserved_for_as_of)
    with
    wanted as (
        select distinct on (hukou_household_no)
            hukou_household_no,
            village_code
        from {{ ref('int_monitoring__candidates') }}
        where
            not is_registered
            and object_type is not null
            and village_code ~ '^[0-9]{12}$'
            and hukou_household_no not in (select hukou_household_no from ops.household_number)
        order by hukou_household_no, village_code
    ),
    taken as (
        select
            village_code,
            max(sequence) as last_sequence
        from ops.household_number
        group by village_code
        union all
        select
            left(household_id, 12) as village_code,
            max(right(household_id, 8)::integer) as last_sequence
        from {{ ref('stg_registry__households') }}
        where household_id ~ '^[0-9]{20}$'
        group by left(household_id, 12)
    ),
    last_taken as (
        select
            village_code,
            max(last_sequence) as last_sequence
        from taken
        group by village_code
    ),
    numbered as (
        select
            wanted.hukou_household_no,
            wanted.village_code,
            coalesce(last_taken.last_sequence, 0)
            + row_number() over (
                partition by wanted.village_code order by wanted.hukou_household_no
            ) as sequence
        from wanted
        left join last_taken
            on wanted.village_code = last_taken.village_code
    )
    select
        village_code || lpad(sequence::text, 8, '0'),
        village_code,
        sequence,
        hukou_household_no,
        'monitoring object, not a registered household',
        {{ as_of_date() }}
    from numbered
{%- endmacro %}

{#- Civil-affairs recipients who make an unregistered household 边缘易致贫户: 在保 on the check
    date (stg_dibao__recipients.is_active) with an assistance type of seed
    policy_monitoring_codes near_line_assistance (低保 / 特困), by normalised ID number. -#}
{% macro monitoring_near_line_recipients() -%}
    select distinct recipients.id_number
    from {{ ref('stg_dibao__recipients') }} as recipients
    where
        recipients.is_active
        and recipients.id_number_valid
        and recipients.assistance_type in {{ monitoring_codes('near_line_assistance') }}
{%- endmacro %}
