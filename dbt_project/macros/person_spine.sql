{#- int_person__spine recomputes only the persons whose row may have changed (docs/decisions.md,
    "Rules over the people a change names"). What it was built from (macros/build_state.sql):
    its code, and the latest built_at it read of the hukou population and of the medical
    persons, both built by change. On the next build with the same code, the persons computed
    again are
    - the population's and the medical persons' rows written since (built_since), and
    - every person whose memberships differ between the other feeds' models now and the rows
      of the spine (a feed joined or left, a registry household listed or no longer): those
      models are current states as of the check date, small beside the population, and
      compared whole, so a new check date or any delivery of theirs is seen.
    Anything else (no previous build, a code change, --full-refresh) builds everyone again. -#}

{#- The spine's feed sources (person_feed_sources) compared whole on each build. -#}
{% macro spine_compared_sources() -%}
    {{ return(person_feed_sources() | rejectattr(0, 'in', ['hukou', 'medical']) | list) }}
{%- endmacro %}

{#- (feed, id_number) of every person of ``sources`` (person_feed_sources rows), distinct per
    source, of the persons ``plan`` computes (in_change_scope: all, or those of temp table
    spine_persons). -#}
{% macro spine_feed_people(sources, plan) -%}
    {%- for feed, model_name, id_column, valid_column in sources %}
    select distinct
        '{{ feed }}' as feed,
        source_rows.{{ id_column }} as id_number
    from {{ ref(model_name) }} as source_rows
    where
        source_rows.{{ id_column }} is not null
        {%- if valid_column %}
        and source_rows.{{ valid_column }}
        {%- endif %}
        and {{ in_change_scope(plan, 'source_rows.' ~ id_column, 'spine_persons') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- What a spine build reads now. -#}
{% macro spine_state() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {{ return({
        'code': code_checksum(),
        'population_built_at': latest_built_at(ref('int_hukou__population')),
        'medical_built_at': latest_built_at(ref('int_medical__people')),
    }) }}
{%- endmacro %}

{#- How the next build goes: {'mode': 'full' | 'persons', 'state', 'previous'}. -#}
{% macro spine_plan() -%}
    {%- set previous = previous_build_state() -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {%- set state = spine_state() -%}
    {%- if previous.get('code') != state.get('code') -%}
        {{ return({'mode': 'full', 'state': state}) }}
    {%- endif -%}
    {{ return({'mode': 'persons', 'state': state, 'previous': previous}) }}
{%- endmacro %}

{#- Pre-hook: make room for the persons whose row may have changed (see the top). -#}
{% macro spine_prepare() -%}
    {%- set plan = spine_plan() -%}
    {%- call make_room(plan, 'spine_persons') -%}
        with

        now_people as (
            {{ spine_feed_people(spine_compared_sources(), {'mode': 'full'}) }}
            union all
            select distinct
                'registry:' || members.household_id as feed,
                members.id_number
            from {{ ref('int_registry__current_members') }} as members
            where members.id_number_valid
        ),

        spine_people as (
            select
                spine_feeds.feed,
                spine.id_number
            from {{ this }} as spine
            cross join lateral unnest(spine.feeds) as spine_feeds (feed)
            where spine_feeds.feed not in ('hukou', 'medical')
            union all
            select
                'registry:' || households.household_id as feed,
                spine.id_number
            from {{ this }} as spine
            cross join lateral unnest(spine.registry_household_ids) as households (household_id)
        ),

        changed as (
            (select * from now_people except select * from spine_people)
            union all
            (select * from spine_people except select * from now_people)
        )

        select population.id_number
        from {{ ref('int_hukou__population') }} as population
        where {{ built_since('population', plan.previous.population_built_at) }}
        union
        select medical.id_number
        from {{ ref('int_medical__people') }} as medical
        where {{ built_since('medical', plan.previous.medical_built_at) }}
        union
        select changed.id_number from changed
    {%- endcall -%}
{%- endmacro %}

