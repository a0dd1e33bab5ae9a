{#- Personal-information protection for every table in `marts` (policy.md §6, warehouse-contract.md §4),
    re-applied by the build itself (on-run-end), since dbt recreates the tables it builds:

    - a view `published.<table>` per marts table: ID numbers masked (first 6 and last 4 kept),
      phone, bank, health and disability fields (and raw evidence) left out, rows restricted to
      the login's region (audit.login_region(), a code prefix);
    - row-level security on the marts table itself with the same predicate for the downstream
      roles, which have no privilege on it anyway;
    - the audited owner's functions may read it (audit.read_unmasked).

    Which columns are masked or left out follows the column's `meta: {privacy: mask_id | omit |
    show}` in the model YAML when given, else the name patterns in the vars privacy_masked_columns
    and privacy_omitted_columns. The region column is the model's `meta: {region_column: …}`, else
    the first of var privacy_region_columns the table has; a table without one is visible to
    whole-province logins only. -#}

{% macro apply_privacy() %}
    {#- only the commands that (re)build marts tables: freshness checks, docs and tests run the
        project's hooks too, and must not recreate the views as whatever role they connect as -#}
    {%- if execute and flags.WHICH in ('build', 'run', 'snapshot', 'seed') -%}
        {{ return(privacy_statements() | join(';\n')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro privacy_statements() %}
    {%- set schema = generate_schema_name('marts', none) -%}
    {%- set readers = 'county_user, city_user, province_user, app_readonly, auditor' -%}
    {%- set column_rows = run_query(
        "select c.table_name, c.column_name from information_schema.columns c"
        ~ " join information_schema.tables t using (table_schema, table_name)"
        ~ " where c.table_schema = '" ~ schema ~ "' and t.table_type = 'BASE TABLE'"
        ~ " and c.table_name not like '%\\_\\_dbt\\_%'"
        ~ " order by c.table_name, c.ordinal_position"
    ) -%}
    {%- set tables = {} -%}
    {%- for row in column_rows -%}
        {%- do tables.setdefault(row[0], []).append(row[1]) -%}
    {%- endfor -%}
    {%- set nodes = privacy_nodes(schema) -%}
    {%- set statements = [] -%}
    {%- for table, columns in tables.items() -%}
        {%- set node = nodes.get(table) -%}
        {%- set source = adapter.quote(schema) ~ '.' ~ adapter.quote(table) -%}
        {%- set view = 'published.' ~ adapter.quote(table) -%}
        {%- set predicate = privacy_region_predicate(columns, node) -%}
        {%- set selected = [] -%}
        {%- for column in columns -%}
            {%- set treatment = privacy_treatment(column, node) -%}
            {%- if treatment == 'mask_id' -%}
                {%- do selected.append(mask_id_number(adapter.quote(column)) ~ ' as ' ~ adapter.quote(column)) -%}
            {%- elif treatment == 'show' -%}
                {%- do selected.append(adapter.quote(column)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do statements.append('drop view if exists ' ~ view) -%}
        {%- do statements.append(
            'create view ' ~ view ~ ' with (security_barrier = true) as select '
            ~ selected | join(', ') ~ ' from ' ~ source ~ ' where ' ~ predicate
        ) -%}
        {%- do statements.append(
            "comment on view " ~ view ~ " is 'Masked, region-scoped " ~ schema ~ "." ~ table
            ~ " (ID numbers: first 6 and last 4 kept; phone, bank, health and disability fields left out).'"
        ) -%}
        {%- do statements.append('grant select on ' ~ view ~ ' to ' ~ readers) -%}
        {%- do statements.append('alter table ' ~ source ~ ' enable row level security') -%}
        {%- do statements.append('drop policy if exists region_scope on ' ~ source) -%}
        {%- do statements.append(
            'create policy region_scope on ' ~ source ~ ' for select to ' ~ readers
            ~ ' using (' ~ predicate ~ ')'
        ) -%}
        {%- do statements.append('drop policy if exists platform_read on ' ~ source) -%}
        {%- do statements.append(
            'create policy platform_read on ' ~ source
            ~ ' for select to fupin_owner, fupin_pusher using (true)'
        ) -%}
        {%- do statements.append('grant select on ' ~ source ~ ' to fupin_owner') -%}
    {%- endfor -%}
    {#- a view whose table is gone is dropped with it -#}
    {%- set views = run_query("select viewname from pg_views where schemaname = 'published'") -%}
    {%- for row in views -%}
        {%- if row[0] not in tables -%}
            {%- do statements.append('drop view if exists published.' ~ adapter.quote(row[0])) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}

{#- The marts models and snapshots by relation name, for their column and model meta. -#}
{% macro privacy_nodes(schema) %}
    {%- set nodes = {} -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type in ('model', 'snapshot') and node.schema == schema -%}
            {%- do nodes.update({node.alias or node.name: node}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(nodes) }}
{% endmacro %}

{% macro privacy_treatment(column, node) %}
    {%- set declared = node.columns.get(column, {}).get('meta', {}).get('privacy') if node else none -%}
    {%- if declared -%}
        {{ return(declared) }}
    {%- endif -%}
    {%- for pattern in var('privacy_omitted_columns') -%}
        {%- if modules.re.fullmatch(pattern, column) -%}
            {{ return('omit') }}
        {%- endif -%}
    {%- endfor -%}
    {%- for pattern in var('privacy_masked_columns') -%}
        {%- if modules.re.fullmatch(pattern, column) -%}
            {{ return('mask_id') }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('show') }}
{% endmacro %}

{% macro privacy_region_predicate(columns, node) %}
    {%- set declared = node.config.get('meta', {}).get('region_column') if node else none -%}
    {%- set candidates = [declared] if declared else var('privacy_region_columns') -%}
    {%- for candidate in candidates -%}
        {%- if candidate in columns -%}
            {{ return(adapter.quote(candidate) ~ " like audit.login_region() || '%'") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return("audit.login_region() = '" ~ var('province') ~ "'") }}
{% endmacro %}

{#- 18 characters -> 6 kept, 8 stars, 4 kept; shorter values are starred out entirely. -#}
{% macro mask_id_number(column) -%}
    case
        when length({{ column }}) >= 10
            then left({{ column }}, 6) || repeat('*', length({{ column }}) - 10) || right({{ column }}, 4)
        else repeat('*', length({{ column }}))
    end
{%- endmacro %}
