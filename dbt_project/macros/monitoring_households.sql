{#- int_monitoring__households and int_monitoring__household_persons recompute only the hukou
    households a change names (docs/decisions.md, "The spine and the staging tests follow the
    change"). What each was built from (macros/build_state.sql): its code (and its parents',
    the policy code lists included), the landed registry batches, the check date and the latest
    built_at it read of the hukou population. On the next build, when the registry and the
    code are the same and the check date has not entered another registry period:
    - the registered households (the registry's alone) are kept;
    - the hukou households (户号) of every person the population rewrote since are computed
      again: the person's 户号 now, and the 户号 the person had, read from the person spine
      before the spine's own build of this run (the spine is built after both models: its
      depends_on). When the spine was built from another population than the model was, the
      old 户号 is not known, and the model is built in full.
    Anything else builds everything again. -#}

{#- What a build of either model reads now. -#}
{% macro monitoring_households_state() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {{ return({
        'code': code_checksum(),
        'as_of': scalar_text(as_of_date()),
        'registry': landed_batches('registry'),
        'population_built_at': latest_built_at(ref('int_hukou__population')),
    }) }}
{%- endmacro %}

{#- How the next build goes: {'mode': 'full' | 'households', 'previous'}. -#}
{% macro monitoring_households_plan() -%}
    {%- set previous = previous_build_state() -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {%- set state = monitoring_households_state() -%}
    {%- set spine_state = watermark_json('dbt:int_person__spine') or {} -%}
    {%- if previous.get('code') != state.code
        or previous.get('registry') != state.registry
        or spine_state.get('population_built_at') != previous.get('population_built_at')
        or (previous.as_of != state.as_of
            and period_boundary_between('registry', previous.as_of, state.as_of)) -%}
        {{ return({'mode': 'full'}) }}
    {%- endif -%}
    {{ return({'mode': 'households', 'previous': previous}) }}
{%- endmacro %}

{#- Pre-hook of either model (keyed by household_key): nothing to keep ('full': empty the
    table), or keep the 户号 to compute again in temp table monitoring_hukou_households and
    delete their rows. -#}
{% macro monitoring_households_prepare() -%}
    {%- set plan = monitoring_households_plan() -%}
    {%- if not is_incremental() -%}
        select 1
    {%- elif plan.mode == 'full' -%}
        truncate {{ this }}
    {%- else -%}
        create temporary table monitoring_hukou_households on commit drop as
        with

        changed as (
            select
                population.id_number,
                population.hukou_household_no
            from {{ ref('int_hukou__population') }} as population
            where {{ built_since('population', plan.previous.population_built_at) }}
        )

        select changed.hukou_household_no
        from changed
        where changed.hukou_household_no is not null
        union
        select spine.hukou_household_no
        from {{ api.Relation.create(database=this.database, schema=this.schema, identifier='int_person__spine') }} as spine
        inner join changed
            on spine.id_number = changed.id_number
        where spine.hukou_household_no is not null;
        create index on monitoring_hukou_households (hukou_household_no);
        analyze monitoring_hukou_households;
        delete from {{ this }}
        where household_key in (
            select 'hukou:' || monitoring_hukou_households.hukou_household_no
            from monitoring_hukou_households
        )
    {%- endif -%}
{%- endmacro %}

{#- A predicate keeping the rows of ``households_column`` (a 户号) the build computes. -#}
{% macro in_changed_hukou_households(plan, households_column) -%}
    {%- if plan.mode == 'households' -%}
        {{ households_column }} in (
            select monitoring_hukou_households.hukou_household_no
            from monitoring_hukou_households
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The config of either model, with its ``indexes``. -#}
{% macro incremental_by_hukou_household(indexes) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        indexes=indexes,
        pre_hook='{{ monitoring_households_prepare() }}',
        post_hook=[
            '{{ save_build_state(monitoring_households_state()) }}',
            '{{ analyze_if_written() }}',
        ],
    ) }}
{%- endmacro %}
