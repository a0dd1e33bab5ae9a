-- Every staging row comes from a batch whose ledger status is 'landed' (current).
-- Asked per batch that is not landed, through the staging tables' batch_id indexes, so the test
-- costs a probe per batch and not a scan of millions of staged rows (a staged row's batch is
-- always in the ledger: landed_rows joins it, and raw _batch_id is tested against it).
{%- set staged = [
    'stg_registry__households', 'stg_registry__members', 'stg_hukou__changes',
    'stg_hukou__snapshots', 'stg_payroll__staff', 'stg_payroll__changes',
    'stg_medical__settlement_lines', 'stg_renshe__insurance',
] %}
{%- for model_name in staged %}
select
    '{{ model_name }}' as model_name,
    delivery.batch_id,
    delivery.status
from {{ source('ops', 'delivery') }} as delivery
where
    delivery.status != 'landed'
    and exists (
        select staged.batch_id
        from {{ ref(model_name) }} as staged
        where staged.batch_id = delivery.batch_id
    )
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
