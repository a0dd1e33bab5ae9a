{#- The data tests of a staging table built by batch check the rows of the batches its build
    wrote in the same dbt invocation (docs/decisions.md, "The spine and the staging tests follow the change"): a daily
    hukou delta does not re-test months of medical lines. Everywhere else, and whenever the
    table was built in full or in another invocation (a dbt test of its own), a test reads the
    whole table. A view that passes the rows of such a table through one to one names it in
    its meta: tests_follow_batches_of. -#}

{#- Pre-hook part of a table built by batch: keep, for this invocation, the batches the build
    writes (``batches``: a SQL query of their JSON array, or 'null' for all of them). -#}
{% macro record_batches_built(batches) -%}
    {{ return(upsert_watermark(
        'dbt-batches:' ~ this.identifier,
        "json_build_object('invocation', " ~ index_text(invocation_id) ~ ", 'batches', (" ~ batches ~ "))"
    )) }}
{%- endmacro %}

{#- Post-hook of a model whose rows carry built_at (the build's transaction time): its tests in
    this invocation check the rows this build wrote. The table's unique index still guards
    uniqueness against the rows kept. -#}
{% macro record_rows_built() -%}
    {{ return(upsert_watermark(
        'dbt-batches:' ~ this.identifier,
        "json_build_object('invocation', " ~ index_text(invocation_id)
            ~ ", 'batches', null, 'built_since', now())"
    )) }}
{%- endmacro %}

{#- What the model behind ``relation`` (or the table its meta names) built in this invocation:
    none (all rows), or the record_batches_built value ({'batches': [...]}), or {'built_since':
    the build's time} (record_rows_built), or {'unchanged': true} for a table left as it was
    (build_cache.sql). -#}
{% macro built_this_run(relation) -%}
    {%- if not execute or relation is none or relation.identifier is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set batch_table = namespace(name=relation.identifier) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model'
            and node.alias == relation.identifier and node.schema == relation.schema -%}
        {%- set batch_table.name = node.config.meta.get('tests_follow_batches_of', batch_table.name) -%}
    {%- endfor -%}
    {%- set name = batch_table.name -%}
    {%- set built = watermark_json('dbt-batches:' ~ name) -%}
    {%- if built is none or built.invocation != invocation_id -%}{{ return(none) }}{%- endif -%}
    {{ return(built) }}
{%- endmacro %}

{#- dbt's test subquery (where config), narrowed to what was built this run (built_this_run). -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set built = built_this_run(relation) -%}
    {%- if built is not none and (built.get('unchanged') or built.batches is not none
            or built.get('built_since')) -%}
        {%- if built.get('unchanged') -%}
            {%- set scope = 'false' -%}
        {%- elif built.get('built_since') -%}
            {%- set scope = 'built_at >= timestamptz ' ~ index_text(built.built_since) -%}
        {%- else -%}
            {%- set scope = 'batch_id = any(' ~ text_array(built.batches) ~ ')' -%}
        {%- endif -%}
        {%- set where = '(' ~ where ~ ') and ' ~ scope if where else scope -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
