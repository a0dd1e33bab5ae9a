-- No staging row is a row listed in ops.quarantine for its raw table (any quarantine status).
{%- set staged = [
    ('stg_registry__households', 'registry__household'),
    ('stg_registry__members', 'registry__member'),
    ('stg_hukou__changes', 'hukou__delta'),
    ('stg_hukou__snapshots', 'hukou__full'),
    ('stg_payroll__staff', 'payroll__full'),
    ('stg_payroll__changes', 'payroll__change'),
    ('stg_medical__settlement_lines', 'medical__settlement'),
    ('stg_renshe__insurance', 'renshe__insurance'),
] %}
{%- for model_name, raw_table in staged %}
select
    '{{ model_name }}' as model_name,
    staged.batch_id,
    staged.source_row
from {{ ref(model_name) }} as staged
inner join {{ source('ops', 'quarantine') }} as quarantined
    on
        quarantined.raw_table = '{{ raw_table }}'
        and staged.batch_id = quarantined.batch_id
        and staged.source_row = quarantined.source_row
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
