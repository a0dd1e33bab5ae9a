{#- The usable rows of a raw table: rows of batches whose ledger status is 'landed' (current;
    a superseded _vN, or a batch still landing or failed, is not usable), minus every row listed
    in ops.quarantine for this raw table, whatever the quarantine status (a fixed row comes back
    through the corrected batch, not through its old row). Adds the delivery's period, scope,
    version, delivered_at and checked_at.

    Use as the first CTE of a staging model:
        with source as ({{ landed_rows('hukou', 'hukou__delta') }}), ...
    In a model built incrementally by batch (macros/incremental_by_batch.sql), pass
    by_batch=true: an incremental run then reads only the batches that need building.
-#}
{% macro landed_rows(source_name, raw_table, by_batch=false) -%}
    select
        raw_row.*,
        delivery.kind as _delivery_kind,
        delivery.period as _delivery_period,
        delivery.scope as _delivery_scope,
        delivery.version as _delivery_version,
        delivery.delivered_at as _delivered_at,
        delivery.checked_at as _checked_at
    from {{ source(source_name, raw_table) }} as raw_row
    inner join {{ source('ops', 'delivery') }} as delivery
        on raw_row._batch_id = delivery.batch_id
    where
        delivery.status = 'landed'
        and not exists (
            select 1
            from {{ source('ops', 'quarantined_rows') }} as quarantined
            where
                quarantined.raw_table = '{{ raw_table }}'
                and quarantined.batch_id = raw_row._batch_id
                and quarantined.source_row = raw_row._source_row
        )
        {#- a unit test has no relation (this): it tests the full build -#}
        {%- if by_batch and this is not none and is_incremental() %}
        and raw_row._batch_id = any({{ text_array(batches_to_build(source_name, raw_table)) }})
        {%- endif %}
{%- endmacro %}
