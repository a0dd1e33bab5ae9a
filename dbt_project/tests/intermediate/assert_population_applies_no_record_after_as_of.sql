-- The hukou population and the payroll state never use a record dated after the check date.
select
    'int_hukou__population' as model_name,
    id_number
from {{ ref('int_hukou__population') }}
where last_change_date > {{ as_of_date() }}
union all
select
    'int_payroll__staff_on_date' as model_name,
    id_number
from {{ ref('int_payroll__staff_on_date') }}
where is_on_payroll and pay_end_date < as_of
