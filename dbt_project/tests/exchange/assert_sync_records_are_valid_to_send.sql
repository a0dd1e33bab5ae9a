-- What the push sends passes the national checks we know of: members' ID numbers pass the
-- GB 11643 check and match the key; content_hash is the hash of data; household keys are the
-- 20-digit 户编号 with the village code as prefix.
select
    'member' as entity,
    record_key
from {{ ref('sync_member') }}
where
    not ops.id_number_is_valid(id_number)
    or record_key <> household_id || '|' || id_number
    or data ->> 'id_number' <> id_number
    or content_hash <> md5(data::text)
union all
select
    'household' as entity,
    record_key
from {{ ref('sync_household') }}
where
    record_key !~ '^[0-9]{20}$'
    or data ->> 'village_code' <> left(record_key, 12)
    or content_hash <> md5(data::text)
