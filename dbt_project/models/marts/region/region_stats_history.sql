-- Published: marts.region_stats of every check date built so far, one set of rows per as_of,
-- so that a report for an earlier check date shows what was known then. A rebuild as of the
-- same date replaces that date's rows; full_refresh is disabled so the history survives
-- `dbt build --full-refresh`.
{{ config(
    materialized='incremental',
    unique_key='as_of',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    full_refresh=false,
) }}
with

region_stats as (
    select * from {{ ref('region_stats') }}
)

select
    as_of,
    region_code,
    region_level,
    region_name,
    metric,
    dimension,
    dimension_value,
    value,
    is_additive
from region_stats
