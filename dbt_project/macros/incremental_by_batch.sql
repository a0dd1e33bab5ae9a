{#- Staging tables built incrementally by delivery batch (docs/decisions.md, "Staging tables
    follow the batches"): a daily hukou delta must not re-type months of medical lines.

    A model keeps, on each row, batch_checked_at: its batch's ops.delivery.checked_at when the
    rows were built. On an incremental run
    - the pre-hook delete_stale_batches deletes the rows of every batch no longer landed
      (superseded by a _vN, held) or checked again since it was built (a re-check may
      quarantine other rows);
    - the model reads (landed_rows(..., by_batch=true)) only the landed batches with no rows
      in the table: new ones, the ones just deleted, and any batch whose every row is
      quarantined (it yields nothing, cheaply).
    Every probe of the table goes through its batch_id index, one per batch of the feed, so the
    cost follows the batches to build, not the rows already built. A full refresh rebuilds all.

    Such a model starts with {{ incremental_by_batch('feed', 'raw_table') }} (its config) and
    reads {{ landed_rows('feed', 'raw_table', by_batch=true) }}.
-#}

{#- The config of a model built incrementally by batch; ``indexes`` besides batch_id's. -#}
{% macro incremental_by_batch(source_name, raw_table, indexes=[]) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        indexes=[{'columns': ['batch_id']}] + indexes,
        pre_hook="{{ delete_stale_batches('" ~ source_name ~ "', '" ~ raw_table ~ "') }}",
        post_hook='{{ analyze_if_written() }}',
    ) }}
{%- endmacro %}

{#- Post-hook: analyze the table when this run inserted or deleted rows. A run that built no
    batch (a hukou delta, for the medical lines) leaves the statistics as they were instead of
    sampling millions of rows again. pg_stat_xact_user_tables counts this transaction's writes,
    the build's and the pre-hook's. -#}
{% macro analyze_if_written() -%}
    do $$
    begin
        if exists (
            select 1
            from pg_stat_xact_user_tables
            where relid = '{{ this }}'::regclass and n_tup_ins + n_tup_del > 0
        ) then
            analyze {{ this }};
        end if;
    end
    $$
{%- endmacro %}

{#- One row per batch of the feed with rows in the raw table: whether it is landed, whether
    the model holds rows of it, and whether those were built after its latest check. -#}
{% macro batch_build_states(source_name, raw_table) -%}
    select
        delivery.batch_id,
        delivery.status = 'landed' as is_landed,
        coalesce(built.batch_id = delivery.batch_id, false) as is_built,
        coalesce(built.batch_id = delivery.batch_id, false)
        and built.batch_checked_at is not distinct from delivery.checked_at as is_up_to_date
    from {{ source('ops', 'delivery') }} as delivery
    {#- The first built row at or after the batch in batch_id order: a range and an order the
        planner can only serve from the batch_id index. With "= batch_id limit 1" it expected
        a match within a few rows of a sequential scan, but the rows lie in batch order, and
        each probe read the earlier batches (2 s a probe on 4M medical lines). #}
    left join lateral (
        select
            built_row.batch_id,
            built_row.batch_checked_at
        from {{ this }} as built_row
        where built_row.batch_id >= delivery.batch_id
        order by built_row.batch_id
        limit 1
    ) as built on true
    where
        delivery.feed = '{{ source_name }}'
        and exists (
            select 1
            from {{ source(source_name, raw_table) }} as raw_row
            where raw_row._batch_id = delivery.batch_id
        )
{%- endmacro %}

{#- The batches an incremental run reads: landed, and absent from the table or built before
    their latest check (the pre-hook has deleted those). Run at compile time so the filter is a
    list of constants the planner matches against the raw table's _batch_id index. -#}
{% macro batches_to_build(source_name, raw_table) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if 'batch_checked_at' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) -%}
        {{ exceptions.raise_compiler_error(
            this ~ " was built before it became incremental by batch: rebuild it once with"
            ~ " dbt build --full-refresh --select " ~ this.identifier) }}
    {%- endif -%}
    {%- set states -%}
        select batch_id
        from ({{ batch_build_states(source_name, raw_table) }}) as states
        where is_landed and not is_up_to_date
        order by batch_id
    {%- endset -%}
    {{ return(run_query(states).columns[0].values() | list) }}
{%- endmacro %}

{#- Pre-hook: record the batches this run builds (tests_follow_batches), then delete the rows
    of batches no longer landed or checked since they were built. -#}
{% macro delete_stale_batches(source_name, raw_table) -%}
    {%- if is_incremental() -%}
        {%- set to_build -%}
            select coalesce(json_agg(batch_id order by batch_id), '[]')
            from ({{ batch_build_states(source_name, raw_table) }}) as states
            where is_landed and not is_up_to_date
        {%- endset -%}
        {{ record_batches_built(to_build) }};
        {#- = any(array(...)): an index probe per stale batch whatever the planner guesses of
            their number (an in (...) may become a hash join over the whole table) -#}
        delete from {{ this }}
        where batch_id = any(array(
            select batch_id
            from ({{ batch_build_states(source_name, raw_table) }}) as states
            where is_built and not (is_landed and is_up_to_date)
        ))
    {%- else -%}
        {{ record_batches_built('null') }}
    {%- endif -%}
{%- endmacro %}

{#- A text[] literal of the given strings (batch ids come from the ledger; quoted anyway). -#}
{% macro text_array(values) -%}
    array[
        {%- for value in values -%}
            {{ index_text(value) }}{{ ", " if not loop.last }}
        {%- endfor -%}
    ]::text[]
{%- endmacro %}
