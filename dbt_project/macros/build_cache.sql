{#- Tables that are not built again when nothing they are built from changed (docs/decisions.md,
    "Unchanged tables are not built again"). A daily hukou delta leaves the registry as it was:
    its members, households, checked members and their marts need not be rewritten.

    Each table model (materialized cached_table, the default of every table layer) keeps in
    ops.watermark under 'dbt-output:<schema>.<table>':
    - input: the fingerprint it was built from: its compiled SQL (code, vars, check date, values
      read at compile time) and the token of every relation it reads;
    - output: its token, which changes when its rows may have changed (md5 of the input, or of
      its rows when configured cache_by_content, for small tables whose inputs change more often
      than their rows, such as the registry's current batches).
    A build whose fingerprint equals the saved input leaves the table as it is. The token of
    what a table reads:
    - a table or incremental model: its saved output (incremental models save a new one when a
      build writes rows: save_output_token); none saved: unknown, built again;
    - a view: its code, the vars (the check date only when it reads it, or the period its meta
      names: view_as_of_token) and its inputs' tokens;
    - a seed: its file's checksum; a feed's raw table, or an ops table whose meta says it
      changes_with the ledger: the ledger's batches, their status and check times; an
      append-only table (changes_with: row_count): its row count; any other source (the
      quarantine's statuses, the watermarks): unknown.
    A --full-refresh builds everything. A table whose tests failed is built again next time
    (forget_failed_builds), and its tests run again. A change to a macro alone is seen only
    through the SQL it renders. -#}

{% materialization cached_table, adapter='postgres' %}
    {%- set key = output_token_key(this.schema, this.identifier) -%}
    {%- set fingerprint = input_fingerprint() -%}
    {%- if built_from(key, fingerprint) -%}{{ return(keep_as_built()) }}{%- endif -%}
    {%- set result = materialization_table_default() -%}
    {%- if config.get('cache_by_content', false) -%}
        {%- set output = scalar_text(
            "select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from "
            ~ this ~ " as t") -%}
    {%- else -%}
        {%- set output = local_md5(fingerprint) -%}
    {%- endif -%}
    {%- do save_built(key, fingerprint, output) -%}
    {{ return(result) }}
{% endmaterialization %}

{#- A snapshot of a relation that did not change since its last run would add no version and
    close none: it is not run (member_history compares every member; a hukou delta leaves the
    registry's marts as they were). -#}
{% materialization snapshot, adapter='postgres' %}
    {%- set key = output_token_key(this.schema, this.identifier) -%}
    {%- set fingerprint = input_fingerprint() -%}
    {%- if built_from(key, fingerprint) -%}{{ return(keep_as_built()) }}{%- endif -%}
    {%- set result = materialization_snapshot_default() -%}
    {%- do save_built(key, fingerprint, local_md5(fingerprint ~ invocation_id)) -%}
    {{ return(result) }}
{% endmaterialization %}

{#- Whether the relation being built exists and was last built from ``fingerprint`` (never in
    a --full-refresh). -#}
{% macro built_from(key, fingerprint) -%}
    {%- set previous = watermark_json(key) -%}
    {{ return(load_cached_relation(this) is not none and not should_full_refresh()
              and previous is not none and previous.get('input') == fingerprint) }}
{%- endmacro %}

{#- Leave the relation being built as it is: its data tests check nothing this invocation. -#}
{% macro keep_as_built() -%}
    {%- call statement('main') -%}
        {{ record_unchanged_build() }}
    {%- endcall -%}
    {%- do adapter.commit() -%}
    {{ return({'relations': [this]}) }}
{%- endmacro %}

{#- Save what the relation just built was built from (its fingerprint) and its output token. -#}
{% macro save_built(key, fingerprint, output) -%}
    {%- call statement('save_output_token') -%}
        {{ save_watermark_json(key, {'input': fingerprint, 'output': output}) }}
    {%- endcall -%}
    {%- do adapter.commit() -%}
{%- endmacro %}

{% macro output_token_key(schema, identifier) -%}
    {{ return('dbt-output:' ~ schema ~ '.' ~ identifier) }}
{%- endmacro %}

{#- The skipped build's statement: its data tests check nothing this invocation
    (tests_follow_batches). -#}
{% macro record_unchanged_build() -%}
    {{ save_watermark_json('dbt-batches:' ~ this.identifier,
                           {'invocation': invocation_id, 'batches': none, 'unchanged': true}) }}
{%- endmacro %}

{#- Post-hook of every model (dbt_project.yml); for an incremental model, a new output token
    when this build wrote rows (or rebuilt the table), else the saved one stays. -#}
{% macro save_output_token() -%}
    {%- if model.config.materialized != 'incremental' -%}{{ return('select 1') }}{%- endif -%}
    {%- set key = output_token_key(this.schema, this.identifier) -%}
    {%- set token = "json_build_object('output', md5(" ~ index_text(invocation_id) ~ " || clock_timestamp()::text))" -%}
    {%- if is_incremental() and not should_full_refresh() -%}
        {%- set condition -%}
            exists (
                select 1
                from pg_stat_xact_user_tables
                where relid = '{{ this }}'::regclass and n_tup_ins + n_tup_upd + n_tup_del > 0
            )
            or not exists (
                select 1 from {{ source('ops', 'watermark') }} where source = {{ index_text(key) }}
            )
        {%- endset -%}
    {%- else -%}
        {%- set condition = 'true' -%}
    {%- endif -%}
    {{ return(upsert_watermark(key, token, condition)) }}
{%- endmacro %}

{#- The fingerprint of what the model being built is built from. -#}
{% macro input_fingerprint() -%}
    {%- set compiled = model.compiled_code -%}
    {%- set parts = [compiled] -%}
    {#- SQL whose result changes with the clock is never the same build -#}
    {%- if modules.re.search('(?i)\\b(now\\(|current_date|current_timestamp|clock_timestamp|random\\()', compiled) -%}
        {%- do parts.append('volatile:' ~ invocation_id) -%}
    {%- endif -%}
    {%- set lookup = {'saved': saved_output_tokens(), 'ledger': {}} -%}
    {%- set feeds = node_feeds(model) -%}
    {%- for uid in model.depends_on.nodes | sort -%}
        {%- do parts.append(uid ~ '=' ~ relation_token(uid, lookup, feeds)) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}

{#- Every saved output token: '<schema>.<table>' -> token. -#}
{% macro saved_output_tokens() -%}
    {%- set tokens = {} -%}
    {%- set found = run_query(
        "select substr(source, 12), value from " ~ source('ops', 'watermark')
        ~ " where source like 'dbt-output:%'") -%}
    {%- for row in found.rows -%}
        {%- do tokens.update({row[0]: fromjson(row[1]).get('output')}) -%}
    {%- endfor -%}
    {{ return(tokens) }}
{%- endmacro %}

{#- The token of the node or source ``uid`` (see the header) as read by a node of ``feeds``
    (node_feeds). ``lookup``: the saved tokens and the ledger's tokens, read once per build. -#}
{% macro relation_token(uid, lookup, feeds) -%}
    {%- set unknown = 'unknown:' ~ invocation_id -%}
    {%- if uid in graph.sources -%}
        {%- set src = graph.sources[uid] -%}
        {%- set changes_with = src.meta.get('changes_with') -%}
        {%- if changes_with == 'row_count' -%}
            {{ return(scalar_text('select count(*) from ' ~ source(src.source_name, src.name))) }}
        {%- elif src.source_name in ('ops', 'platform') and changes_with != 'ledger' -%}
            {{ return(unknown) }}
        {%- endif -%}
        {#- a raw table changes only with its own feed's batches -#}
        {%- set scope = [src.source_name] if src.source_name not in ('ops', 'platform') else feeds -%}
        {%- set scope_key = scope | join(',') -%}
        {%- if scope_key not in lookup.ledger -%}
            {%- do lookup.ledger.update({scope_key: ledger_token(scope)}) -%}
        {%- endif -%}
        {{ return(lookup.ledger[scope_key]) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node is none -%}{{ return(unknown) }}{%- endif -%}
    {%- if node.resource_type == 'seed' -%}{{ return(node.checksum.checksum) }}{%- endif -%}
    {%- if node.resource_type == 'model' and node.config.materialized in ('view', 'ephemeral') -%}
        {%- set parts = [node.checksum.checksum, tojson(vars_without_as_of())] -%}
        {%- if reads_as_of(node) -%}{%- do parts.append('as_of:' ~ view_as_of_token(node)) -%}{%- endif -%}
        {%- set view_feeds = node_feeds(node) -%}
        {%- for parent in node.depends_on.nodes | sort -%}
            {%- do parts.append(parent ~ '=' ~ relation_token(parent, lookup, view_feeds)) -%}
        {%- endfor -%}
        {{ return(local_md5(parts | join('\n'))) }}
    {%- endif -%}
    {{ return(lookup.saved.get(node.schema ~ '.' ~ (node.alias or node.name), unknown)) }}
{%- endmacro %}

{#- What a view reads of the check date: the date, or the period its meta's as_of_token names
    (latest_period_on). -#}
{% macro view_as_of_token(node) -%}
    {%- set period = node.config.meta.get('as_of_token') -%}
    {%- if period is none -%}{{ return(as_of_date()) }}{%- endif -%}
    {%- set relation = namespace(name=none) -%}
    {%- for other in graph.nodes.values() if other.resource_type == 'model'
            and other.name == period.relation -%}
        {%- set relation.name = api.Relation.create(
            database=other.database, schema=other.schema, identifier=other.alias or other.name) -%}
    {%- endfor -%}
    {%- if relation.name is none -%}
        {{ exceptions.raise_compiler_error(node.name ~ ": as_of_token names no model " ~ period.relation) }}
    {%- endif -%}
    {{ return(scalar_text(latest_period_on(relation.name, period.column))) }}
{%- endmacro %}

{#- The feeds' raw tables change only with the ledger: its batches, their status and checks;
    those of ``feeds`` only (all when empty). -#}
{% macro ledger_token(feeds) -%}
    {{ return(scalar_text(
        "select md5(coalesce(string_agg(concat_ws(':', batch_id, feed, kind, period, scope, version,"
        ~ " status, delivered_at, checked_at), ',' order by batch_id), '')) from "
        ~ source('ops', 'delivery')
        ~ (" where feed = any(" ~ text_array(feeds) ~ ")" if feeds else ""))) }}
{%- endmacro %}

{#- The feeds whose batches are all a node reads of the ledger (the batch ledger and the
    quarantine, changes_with: ledger): those of the raw tables it reads (landed_rows joins them
    by batch), or its meta's ledger_feeds (a model that reads the ledger for one feed); none
    known: empty, the whole ledger. -#}
{% macro node_feeds(node) -%}
    {%- set named = node.config.meta.get('ledger_feeds') -%}
    {%- if named is not none -%}{{ return(named | sort) }}{%- endif -%}
    {%- set feeds = [] -%}
    {%- for uid in node.depends_on.nodes if uid in graph.sources -%}
        {%- set name = graph.sources[uid].source_name -%}
        {%- if name not in ('ops', 'platform') and name not in feeds -%}{%- do feeds.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(feeds | sort) }}
{%- endmacro %}

{#- The vars of this invocation but the check date. -#}
{% macro vars_without_as_of() -%}
    {%- set given = invocation_args_dict.get('vars') or {} -%}
    {%- if given is string -%}{{ return(given) }}{%- endif -%}
    {%- set kept = {} -%}
    {%- for name, value in given.items() if name != 'as_of' -%}
        {%- do kept.update({name: value}) -%}
    {%- endfor -%}
    {{ return(kept) }}
{%- endmacro %}

{#- Whether a view may read the check date: its code or a project macro it calls, directly or
    not, names as_of (generous: a false yes only costs a build). -#}
{% macro reads_as_of(node) -%}
    {%- if 'as_of' in node.raw_code -%}{{ return(true) }}{%- endif -%}
    {%- set todo = node.depends_on.macros | list -%}
    {%- set seen = [] -%}
    {%- for uid in todo if uid not in seen and uid.startswith('macro.' ~ project_name ~ '.') -%}
        {%- do seen.append(uid) -%}
        {%- set called = context.get(uid.split('.')[-1]) -%}
        {%- if called is not none and called.macro is defined -%}
            {%- if 'as_of' in called.macro.macro_sql -%}{{ return(true) }}{%- endif -%}
            {%- do todo.extend(called.macro.depends_on.macros) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- on-run-end: a table whose build or tests failed is built again next time, and tested. -#}
{% macro forget_failed_builds() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set keys = [] -%}
    {%- for result in results if result.status in ('error', 'fail') -%}
        {%- set uids = [result.node.unique_id] + (result.node.depends_on.nodes | list) -%}
        {%- for uid in uids if uid in graph.nodes
                and graph.nodes[uid].resource_type in ('model', 'snapshot') -%}
            {%- set node = graph.nodes[uid] -%}
            {%- do keys.append(output_token_key(node.schema, node.alias or node.name)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if keys -%}
        {#- an update: the builder may not delete watermarks; a new output token, so that what
            reads the table is built again with it -#}
        update {{ source('ops', 'watermark') }}
        set
            value = json_build_object('input', null, 'output', md5({{ index_text(invocation_id) }} || source))::text,
            updated_at = now()
        where source = any({{ text_array(keys) }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
