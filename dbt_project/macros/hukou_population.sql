{#- int_hukou__population recomputes only the persons a change names (docs/decisions.md,
    "Rules over the people a change names"). What it was built from (macros/build_state.sql):
    the check date, the base snapshot, the snapshots table (a full refresh makes a new one) and
    every landed hukou batch with its check time. On the next build:
    - nothing changed: nothing is read or written;
    - new delta batches, or a later check date (at most a month on): the persons named by a
      change record of a new batch, or of a file dated, or with a 变动日期, after the previous
      check date and on or before the new one, are deleted and computed again;
    - anything else (another base snapshot, a batch gone or checked again, an earlier check
      date, a jump of over a month, a new snapshots table): everyone is computed again. -#}

{#- The latest landed full snapshot whose month ends on or before the check date (batch_id,
    snapshot_date), from ``deliveries`` (the ledger, or a CTE of it). -#}
{% macro hukou_base_snapshot(deliveries) -%}
    select
        batch_id,
        {{ period_end('period') }} as snapshot_date
    from {{ deliveries }}
    where
        feed = 'hukou'
        and kind = 'full'
        and status = 'landed'
        and {{ period_end('period') }} <= {{ as_of_date() }}
    order by period desc, version desc, batch_id desc
    limit 1
{%- endmacro %}

{#- What a population build reads now. -#}
{% macro population_state() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {%- set base = run_query(hukou_base_snapshot(source('ops', 'delivery'))) -%}
    {{ return({
        'code': code_checksum(),
        'as_of': scalar_text(as_of_date()),
        'base_snapshot': base.columns[0].values()[0] if base.rows else none,
        'base_snapshot_date': (base.columns[1].values()[0] | string) if base.rows else none,
        'snapshots_table': scalar_text(index_text(ref('stg_hukou__snapshots')) ~ '::regclass::oid'),
        'batches': landed_batches('hukou'),
    }) }}
{%- endmacro %}

{#- How the next build goes (macros/build_state.sql, change_plan). -#}
{% macro population_plan() -%}
    {%- set previous = previous_build_state() -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {{ return(change_plan(previous, population_state(), ['base_snapshot', 'snapshots_table'])) }}
{%- endmacro %}

{#- Pre-hook: make room for what the build computes; the persons named by a change record of
    a new batch, or of a file dated or with a 变动日期 after the previous check date and on or
    before the new one (records before the base snapshot are not applied: not read). -#}
{% macro population_prepare() -%}
    {%- set plan = population_plan() -%}
    {%- call make_room(plan, 'population_persons') -%}
        {%- set before = 'date ' ~ index_text(plan.previous_as_of) -%}
        {%- set now = 'date ' ~ index_text(plan.state.as_of) -%}
        select distinct changes.id_number
        from {{ ref('stg_hukou__changes') }} as changes
        where
            changes.id_number is not null
            {%- if plan.state.base_snapshot_date %}
            and changes.file_date > date {{ index_text(plan.state.base_snapshot_date) }}
            {%- endif %}
            and (
                changes.batch_id = any({{ text_array(plan.new_batches) }})
                or (changes.file_date > {{ before }} and changes.file_date <= {{ now }})
                or (
                    coalesce(changes.change_date, changes.file_date) > {{ before }}
                    and coalesce(changes.change_date, changes.file_date) <= {{ now }}
                )
            )
    {%- endcall -%}
{%- endmacro %}
