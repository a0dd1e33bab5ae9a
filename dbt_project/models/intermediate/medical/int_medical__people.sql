-- The persons the medical feed names: every valid, normalised ID number of a settlement line
-- of a landed batch. The person spine's medical source. Incremental by batch
-- (macros/medical_self_pay.sql): a build adds the persons of new batches only, and builds
-- everything again when a batch is gone or checked again.
{%- set plan = medical_people_plan() %}
{{ incremental_by_change(
    'medical_people_prepare', 'medical_lines_state', indexes=[{'columns': ['built_at']}]
) }}
with

lines as (
    select * from {{ ref('stg_medical__settlement_lines') }}
),

final as (
    select distinct
        lines.id_number,
        now() as built_at
    from lines
    where
        lines.id_number_valid
        and lines.id_number is not null
        and {{ medical_people_scope(plan, 'lines') }}
)

select * from final
