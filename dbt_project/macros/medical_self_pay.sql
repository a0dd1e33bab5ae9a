{#- int_medical__person_self_pay rebuilds only the persons a change names (docs/decisions.md,
    "Rules over the people a change names"). What it was built from (macros/build_state.sql):
    the check date, M02's window, the medical lines table (a full refresh makes a new one) and
    every landed medical batch with its check time. On the next build:
    - nothing changed: nothing is read or written;
    - new batches, or a later check date (at most a month on): the persons of the new batches'
      lines, of the lines that enter the window (settled after the previous check date) or
      leave it (effective before the new window's start), of every other line of a settlement
      among those (a later version may name another person) and of the reversals of such an
      original (their effective date is the original's), are deleted and computed again;
    - anything else (a batch gone or checked again, another window, an earlier check date, a
      jump of over a month, a new lines table): every person is computed again. -#}

{#- The medical lines a build reads: the lines table (a full refresh makes a new one) and the
    landed medical batches with their check times (the lines table holds exactly these). -#}
{% macro medical_lines_state() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {{ return({
        'code': code_checksum(),
        'lines_table': scalar_text(
            index_text(ref('stg_medical__settlement_lines')) ~ '::regclass::oid'),
        'batches': landed_batches('medical'),
    }) }}
{%- endmacro %}

{#- What a person self-pay build reads now. -#}
{% macro self_pay_state() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {%- set state = medical_lines_state() -%}
    {%- do state.update({
        'as_of': scalar_text(as_of_date()),
        'window_months': scalar_text(
            'select m02_window_months from ' ~ ref('int_monitoring__parameters')),
    }) -%}
    {{ return(state) }}
{%- endmacro %}

{#- How the next build goes (macros/build_state.sql, change_plan). -#}
{% macro self_pay_plan() -%}
    {%- set previous = previous_build_state() -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {{ return(change_plan(previous, self_pay_state(), ['window_months', 'lines_table'])) }}
{%- endmacro %}

{#- Pre-hook: make room for what the build computes. -#}
{% macro self_pay_prepare() -%}
    {%- set plan = self_pay_plan() -%}
    {%- call make_room(plan, 'self_pay_persons') -%}
        {{ self_pay_changed_persons(plan) }}
    {%- endcall -%}
{%- endmacro %}

{#- The persons whose 12-month self-pay a move of the check date or new batches may change. -#}
{% macro self_pay_changed_persons(plan) -%}
    {%- set lines = ref('stg_medical__settlement_lines') -%}
    {%- set window = 'make_interval(months => (' ~ plan.state.window_months ~ ')::integer)' -%}
    {%- set before = 'date ' ~ index_text(plan.previous_as_of) -%}
    {%- set now = 'date ' ~ index_text(plan.state.as_of) -%}
    with

    changed as (
        select
            line.settlement_id,
            line.id_number
        from {{ lines }} as line
        where line.batch_id = any({{ text_array(plan.new_batches) }})
        union all
        select
            line.settlement_id,
            line.id_number
        from {{ lines }} as line
        where
            (line.settlement_date > {{ before }} and line.settlement_date <= {{ now }})
            or (
                line.settlement_date > {{ before }} - {{ window }}
                and line.settlement_date <= {{ now }} - {{ window }}
            )
    ),

    settlements as (
        select distinct changed.settlement_id from changed
    )

    select distinct persons.id_number
    from (
        select changed.id_number from changed
        union all
        select line.id_number
        from {{ lines }} as line
        where line.settlement_id in (select settlements.settlement_id from settlements)
        union all
        select line.id_number
        from {{ lines }} as line
        where line.original_settlement_id in (select settlements.settlement_id from settlements)
    ) as persons
    where persons.id_number is not null
{%- endmacro %}

{#- How the next int_medical__people build goes (change_plan, with no check date): 'persons'
    appends the persons of new batches that are not yet known. -#}
{% macro medical_people_plan() -%}
    {%- set previous = previous_build_state() -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {{ return(change_plan(previous, medical_lines_state(), ['lines_table'])) }}
{%- endmacro %}

{#- Pre-hook of int_medical__people: empty the table for a full build. -#}
{% macro medical_people_prepare() -%}
    {{ 'truncate ' ~ this if is_incremental() and medical_people_plan().mode == 'full'
       else 'select 1' }}
{%- endmacro %}

{#- The lines int_medical__people reads: all, none, or those of new batches whose person is not
    yet known. -#}
{% macro medical_people_scope(plan, lines) -%}
    {%- if plan.mode == 'persons' -%}
        {{ lines }}.batch_id = any({{ text_array(plan.new_batches) }})
        and not exists (
            select 1 from {{ this }} as known where known.id_number = {{ lines }}.id_number
        )
    {%- else -%}
        {{ plan.mode == 'full' }}
    {%- endif -%}
{%- endmacro %}
