-- marts.data_quality: fixed and open rows are rejected rows, and no more than were received.
select
    batch_id,
    rows_received,
    rows_rejected,
    rows_fixed,
    rows_open
from {{ ref('data_quality') }}
where
    rows_fixed + rows_open > rows_rejected
    or (rows_rejected > rows_received and corrects_batch is null and status <> 'failed')
