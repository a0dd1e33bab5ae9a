-- A household's village lies in the county whose file delivered it (a county file listing
-- another county's village is a registry error for the steward, not a build failure).
{{ config(severity='warn') }}
select
    household_id,
    village_code,
    registry_county_code
from {{ ref('household') }}
where county_code is distinct from registry_county_code
