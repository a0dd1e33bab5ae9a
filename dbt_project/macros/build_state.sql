{#- What a model was last built from, for models that rebuild only what changed since
    (docs/decisions.md, "Rules over the people a change names"). The state is a JSON object
    kept in ops.watermark under source 'dbt:<model>', written by a post-hook in the model's
    own transaction, so it is saved exactly when the rows built from it are. -#}

{#- The state the model was last built from; none on a first or full-refresh build. -#}
{% macro previous_build_state() -%}
    {#- a unit test has no relation (this): it tests the full build -#}
    {%- if not execute or this is none or not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {{ return(watermark_json('dbt:' ~ this.identifier)) }}
{%- endmacro %}

{#- The JSON value kept in ops.watermark under ``key`` (none when absent). -#}
{% macro watermark_json(key) -%}
    {%- set found = run_query(
        "select value from " ~ source('ops', 'watermark') ~ " where source = " ~ index_text(key)
    ) -%}
    {%- if found.rows | length == 0 -%}{{ return(none) }}{%- endif -%}
    {{ return(fromjson(found.columns[0].values()[0])) }}
{%- endmacro %}

{#- Keep under ``key`` in ops.watermark the value of the SQL expression ``value_sql`` (text),
    when ``condition`` holds. Every watermark a build writes goes through here. -#}
{% macro upsert_watermark(key, value_sql, condition='true') -%}
    insert into {{ source('ops', 'watermark') }} (source, value)
    select {{ index_text(key) }}, ({{ value_sql }})::text
    where {{ condition }}
    on conflict (source) do update set value = excluded.value, updated_at = now()
{%- endmacro %}

{#- Upsert ``value`` (a mapping, as JSON) under ``key`` in ops.watermark. -#}
{% macro save_watermark_json(key, value) -%}
    {{ return(upsert_watermark(key, index_text(tojson(value)))) }}
{%- endmacro %}

{#- Post-hook: keep ``state`` (a mapping) as what the model was built from. -#}
{% macro save_build_state(state) -%}
    {{ return(save_watermark_json('dbt:' ~ this.identifier, state)) }}
{%- endmacro %}

{#- The value of a scalar SQL expression at compile time, as text (none when not executing). -#}
{% macro scalar_text(expression) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set value = run_query("select (" ~ expression ~ ")::text").columns[0].values()[0] -%}
    {{ return(value) }}
{%- endmacro %}

{#- The landed batches of ``feed``: batch id -> its check time (text), from the ledger. These are
    the batches staging reads (landed_rows). -#}
{% macro landed_batches(feed) -%}
    {%- set batches = {} -%}
    {%- if not execute -%}{{ return(batches) }}{%- endif -%}
    {%- set landed -%}
        select batch_id, checked_at::text
        from {{ source('ops', 'delivery') }}
        where feed = {{ index_text(feed) }} and status = 'landed'
        order by batch_id
    {%- endset -%}
    {%- for row in run_query(landed).rows -%}
        {%- do batches.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}

{#- A checksum of the model's SQL and of the SQL of the nodes it reads: a model or a view it
    reads that changes (a new release) is built again in full, not patched person by person
    with rows of the old logic. A change to a macro alone is not seen: build with
    --full-refresh then. -#}
{% macro code_checksum() -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set sums = [model.checksum.checksum] -%}
    {%- for uid in model.depends_on.nodes -%}
        {%- set node = graph.nodes.get(uid) -%}
        {%- if node -%}{%- do sums.append(node.checksum.checksum) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(sums | join(','))) }}
{%- endmacro %}

{#- The batches of ``batches`` (batch id -> check time) that ``old_batches`` lacks; none when a
    batch of old_batches is gone or was checked again since (then a build starts over). -#}
{% macro batches_added(old_batches, batches) -%}
    {%- for batch_id, checked_at in old_batches.items() -%}
        {%- if batches.get(batch_id) != checked_at -%}{{ return(none) }}{%- endif -%}
    {%- endfor -%}
    {{ return(batches.keys() | reject('in', old_batches) | list) }}
{%- endmacro %}

{#- How a model built from batches, and as of a check date when its state has one (state:
    code, batches, as_of, and ``same``, the keys that must not have changed), is built next,
    from the ``previous`` state:
    {'mode': 'full' | 'persons' | 'none', 'state', 'previous_as_of', 'new_batches'}.
    'persons': new batches, or a check date at most a month later; 'none': neither; 'full':
    anything else (no previous build, its code or a key of ``same`` changed, a batch gone or
    checked again, an earlier check date or a jump of over a month). -#}
{% macro change_plan(previous, state, same) -%}
    {%- if previous is none -%}{{ return({'mode': 'full'}) }}{%- endif -%}
    {%- set plan = {'mode': 'full', 'state': state, 'previous_as_of': previous.get('as_of')} -%}
    {%- for key in ['code'] + same -%}
        {%- if previous.get(key) != state.get(key) -%}{{ return(plan) }}{%- endif -%}
    {%- endfor -%}
    {%- set days = 0 -%}
    {%- if 'as_of' in state -%}
        {%- if previous.get('as_of') is none -%}{{ return(plan) }}{%- endif -%}
        {%- set days = (modules.datetime.date.fromisoformat(state.as_of)
            - modules.datetime.date.fromisoformat(previous.as_of)).days -%}
    {%- endif -%}
    {%- set new_batches = batches_added(previous.get('batches', {}), state.batches) -%}
    {%- if days < 0 or days > 31 or new_batches is none -%}{{ return(plan) }}{%- endif -%}
    {%- do plan.update({
        'mode': 'persons' if new_batches or days > 0 else 'none',
        'new_batches': new_batches,
    }) -%}
    {{ return(plan) }}
{%- endmacro %}

{#- Pre-hook of a model built by change_plan, keyed by id_number: nothing to do ('none'),
    empty the table ('full'), or keep the persons to compute again (the query the call block
    renders) in temp table ``persons_table``, which the model reads, and delete their rows. -#}
{% macro make_room(plan, persons_table) -%}
    {%- if not is_incremental() or plan.mode == 'none' -%}
        select 1
    {%- elif plan.mode == 'full' -%}
        truncate {{ this }}
    {%- else -%}
        create temporary table {{ persons_table }} on commit drop as
        {{ caller() }};
        {#- a reader estimated at one row is joined to the persons by a nested loop: with the
            index it probes them instead of scanning them once per row -#}
        create index on {{ persons_table }} (id_number);
        analyze {{ persons_table }};
        delete from {{ this }}
        where {{ in_change_scope(plan, 'id_number', persons_table) }}
    {%- endif -%}
{%- endmacro %}

{#- The config of a table keyed by id_number built by change_plan: ``prepare`` renders its
    pre-hook (make_room), ``state`` the state it saves (both macro names); ``indexes`` besides
    id_number's. A model whose readers follow its changes gives each row ``built_at`` (now():
    its build's transaction time) with an index on it; its data tests then check the rows the
    build wrote (record_rows_built). -#}
{% macro incremental_by_change(prepare, state, indexes=[]) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        indexes=[{'columns': ['id_number'], 'unique': true}] + indexes,
        pre_hook='{{ ' ~ prepare ~ '() }}',
        post_hook=['{{ save_build_state(' ~ state ~ '()) }}', '{{ analyze_if_written() }}']
            + (['{{ record_rows_built() }}'] if {'columns': ['built_at']} in indexes else []),
    ) }}
{%- endmacro %}

{#- A predicate on ``column`` (an ID number) keeping the rows a build by change_plan computes:
    all ('full'), none ('none') or the persons of temp table ``persons_table`` ('persons'). -#}
{% macro in_change_scope(plan, column, persons_table) -%}
    {%- if plan.mode == 'persons' -%}
        {{ column }} in (select {{ persons_table }}.id_number from {{ persons_table }})
    {%- else -%}
        {{ plan.mode == 'full' }}
    {%- endif -%}
{%- endmacro %}

{#- The latest built_at of ``relation`` (text; none when empty or not executing): a reader
    that keeps it finds, with built_since, the persons computed again after its build. -#}
{% macro latest_built_at(relation) -%}
    {{ return(scalar_text('select max(built_at) from ' ~ relation)) }}
{%- endmacro %}

{#- A predicate on ``alias``.built_at: written after ``mark`` (a latest_built_at; all rows
    when none). -#}
{% macro built_since(alias, mark) -%}
    {%- if mark is none -%}
        true
    {%- else -%}
        {{ alias }}.built_at > timestamptz {{ index_text(mark) }}
    {%- endif -%}
{%- endmacro %}
