-- alert_id is md5(rule_code|household_id|coalesce(id_number, '')), so it is stable across runs.
select alert_id
from {{ ref('verification_alert') }}
where alert_id <> md5(rule_code || '|' || household_id || '|' || coalesce(id_number, ''))
