-- Alert history: first_seen <= opened_on <= last_seen; an open alert was seen in this run and
-- has no closed_on; a closed one was closed on or after it was last seen (on the same date when
-- a correction landed and the check date was built again).
select
    alert_id,
    first_seen,
    opened_on,
    last_seen,
    closed_on,
    is_open
from {{ ref('verification_alert') }}
where
    first_seen > last_seen
    or opened_on < first_seen
    or opened_on > last_seen
    or (is_open and (last_seen <> {{ as_of_date() }} or closed_on is not null))
    or (not is_open and (closed_on is null or closed_on < last_seen))
