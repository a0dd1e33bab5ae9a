-- Every staging row comes from a batch whose ledger status is 'landed' (current).
{%- set staged = [
    'stg_registry__households', 'stg_registry__members', 'stg_hukou__changes',
    'stg_hukou__snapshots', 'stg_payroll__staff', 'stg_payroll__changes',
    'stg_medical__settlement_lines', 'stg_renshe__insurance',
] %}
{%- for model_name in staged %}
select
    '{{ model_name }}' as model_name,
    staged.batch_id,
    delivery.status
from {{ ref(model_name) }} as staged
left join {{ source('ops', 'delivery') }} as delivery
    on staged.batch_id = delivery.batch_id
where delivery.status is distinct from 'landed'
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
