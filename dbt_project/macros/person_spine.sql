{#- int_person__spine recomputes only the persons whose row may have changed (docs/decisions.md,
    "The spine and the staging tests follow the change"). What it was built from
    (macros/build_state.sql): its code, the check date, the latest built_at it read of the
    hukou population and of the medical persons (both built by change), and the landed batches
    of each other feed. On the next build with the same code, the persons computed again are
    - the population's and the medical persons' rows written since (built_since), and
    - for each other feed that may have changed, every person whose memberships differ between
      the feed's models now and the rows of the spine (the feed joined or left; for the
      registry, a household listed or no longer). A feed may have changed when its landed
      batches did, or when the check date moved and either the feed reads row dates (staff,
      versions, validity ranges) or one of its batches' periods starts or ends in between
      (its current snapshot may be another one). A feed that has not changed is not read.
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

{#- The feeds whose spine source changes with the check date only when it enters another
    batch's period (a current snapshot); the other feeds' sources read row dates. -#}
{% macro spine_snapshot_feeds() -%}
    {{ return(['registry', 'renshe', 'disability', 'education', 'relocation']) }}
{%- endmacro %}

{#- What a spine build reads now. -#}
{% macro spine_state() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {%- set feeds = {} -%}
    {%- for feed in spine_compared_sources() | map(attribute=0) | unique -%}
        {%- do feeds.update({feed: landed_batches(feed)}) -%}
    {%- endfor -%}
    {{ return({
        'code': code_checksum(),
        'as_of': scalar_text(as_of_date()),
        'population_built_at': latest_built_at(ref('int_hukou__population')),
        'medical_built_at': latest_built_at(ref('int_medical__people')),
        'feeds': feeds,
    }) }}
{%- endmacro %}

{#- Whether a landed batch of ``feed`` has a period whose first or last day is after the
    earlier of the two dates and on or before the later (or a period of another form): the
    check dates then see another snapshot as current. -#}
{% macro period_boundary_between(feed, one, other) -%}
    {%- set low, high = [one, other] | min, [one, other] | max -%}
    {%- set boundary -%}
        exists (
            select 1
            from {{ source('ops', 'delivery') }}
            where
                feed = {{ index_text(feed) }}
                and status = 'landed'
                and (
                    {{ period_start('period') }} is null
                    or {{ period_start('period') }} > date {{ index_text(low) }}
                    and {{ period_start('period') }} <= date {{ index_text(high) }}
                    or {{ period_end('period') }} > date {{ index_text(low) }}
                    and {{ period_end('period') }} <= date {{ index_text(high) }}
                )
        )
    {%- endset -%}
    {{ return(scalar_text(boundary) == 'true') }}
{%- endmacro %}

{#- The compared feeds that may have changed since the ``previous`` state. -#}
{% macro spine_changed_feeds(previous, state) -%}
    {%- set changed = [] -%}
    {%- for feed, batches in state.feeds.items() -%}
        {%- if previous.feeds.get(feed) != batches
            or (previous.as_of != state.as_of and (feed not in spine_snapshot_feeds()
                or period_boundary_between(feed, previous.as_of, state.as_of))) -%}
            {%- do changed.append(feed) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(changed) }}
{%- endmacro %}

{#- How the next build goes: {'mode': 'full' | 'persons', 'state', 'previous',
    'changed_feeds'}. -#}
{% macro spine_plan() -%}
    {%- set previous = previous_build_state() -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {%- set state = spine_state() -%}
    {%- if previous.get('code') != state.get('code') or previous.get('feeds') is none -%}
        {{ return({'mode': 'full', 'state': state}) }}
    {%- endif -%}
    {{ return({
        'mode': 'persons', 'state': state, 'previous': previous,
        'changed_feeds': spine_changed_feeds(previous, state),
    }) }}
{%- endmacro %}

{#- Pre-hook: make room for the persons whose row may have changed (see the top). -#}
{% macro spine_prepare() -%}
    {%- set plan = spine_plan() -%}
    {%- call make_room(plan, 'spine_persons') -%}
        {%- set feeds = plan.changed_feeds -%}
        select population.id_number
        from {{ ref('int_hukou__population') }} as population
        where {{ built_since('population', plan.previous.population_built_at) }}
        union
        select medical.id_number
        from {{ ref('int_medical__people') }} as medical
        where {{ built_since('medical', plan.previous.medical_built_at) }}
        {%- if feeds %}
        union
        select changed.id_number
        from ({{ spine_membership_changes(feeds) }}) as changed
        {%- endif %}
    {%- endcall -%}
{%- endmacro %}

{#- (feed, id_number) pairs of ``feeds`` in the feeds' models now and not in the spine's rows,
    or the other way round; for the registry, also ('registry:' || 户编号, id_number). -#}
{% macro spine_membership_changes(feeds) -%}
    with

    now_people as (
        {{ spine_feed_people(
            spine_compared_sources() | selectattr(0, 'in', feeds) | list, {'mode': 'full'}
        ) }}
        {%- if 'registry' in feeds %}
        union all
        select distinct
            'registry:' || members.household_id as feed,
            members.id_number
        from {{ ref('int_registry__current_members') }} as members
        where members.id_number_valid
        {%- endif %}
    ),

    spine_people as (
        select
            spine_feeds.feed,
            spine.id_number
        from {{ this }} as spine
        cross join lateral unnest(spine.feeds) as spine_feeds (feed)
        where
            spine.feeds && {{ text_array(feeds) }}  -- the feeds index
            and spine_feeds.feed = any({{ text_array(feeds) }})
        {%- if 'registry' in feeds %}
        union all
        select
            'registry:' || households.household_id as feed,
            spine.id_number
        from {{ this }} as spine
        cross join lateral unnest(spine.registry_household_ids) as households (household_id)
        {%- endif %}
    )

    (select * from now_people except select * from spine_people)
    union all
    (select * from spine_people except select * from now_people)
{%- endmacro %}
