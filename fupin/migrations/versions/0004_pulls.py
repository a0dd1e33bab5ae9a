"""Pull feeds (issue 9): watermarks and pull provenance for the REST and database sources.

- ``ops.pull_watermark``: per pulled feed, the last committed point (change time and key of the
  last landed record). A page's rows, its provenance and the watermark commit together, so a
  pull that stops for any reason resumes exactly there.
- ``ops.pull_page``: every page a pull landed: its request (never a credential), the positions
  its rows got in the batch, and what was new or already landed. Evidence that points at a raw
  row (batch, position) finds the request that returned it here.
- ``ops.uscc_is_valid(text)``: GB 32100 unified social credit codes, the same check as
  ``fupin.uscc`` (used by the business suites and dbt).

Revision ID: 0004_pulls
"""

from alembic import op

revision = "0004_pulls"
down_revision = "0003_landing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        create table ops.pull_watermark (
            feed          text primary key,
            updated_at    timestamptz not null,
            updated_text  text not null,
            last_key      text not null,
            batch_id      text references ops.delivery (batch_id),
            page          integer,
            committed_at  timestamptz not null default now()
        );
        comment on table ops.pull_watermark is
            'Per pulled feed: the change time (as the source wrote it, and parsed) and key of the last committed record. The next pull starts there (less the catalog''s overlap); versions already landed are skipped.';

        create table ops.pull_page (
            batch_id      text not null references ops.delivery (batch_id),
            page          integer not null,
            request       text not null,
            first_row     integer,
            last_row      integer,
            records       integer not null,
            landed        integer not null,
            skipped       integer not null,
            max_updated   text,
            fetched_at    timestamptz not null default now(),
            primary key (batch_id, page)
        );
        comment on table ops.pull_page is
            'Provenance of pulled batches: one row per page. Raw rows of the batch with _source_row between first_row and last_row came from this request.';

        create function ops.uscc_is_valid(code text) returns boolean
        language plpgsql immutable parallel safe as $$
        -- GB 32100-2015: 18 characters from the 31-character alphabet (no I O S V Z), a 6-digit
        -- region code in positions 3-8, and the check character over the first 17.
        declare
            alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
            weights constant integer[] := array[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
            total integer := 0;
        begin
            if code is null or code !~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$' then
                return false;
            end if;
            for i in 1..17 loop
                total := total + (strpos(alphabet, substr(code, i, 1)) - 1) * weights[i];
            end loop;
            return substr(alphabet, (31 - total % 31) % 31 + 1, 1) = substr(code, 18, 1);
        end $$;
        """
    )


def downgrade() -> None:
    op.execute("drop function if exists ops.uscc_is_valid(text)")
    op.execute("drop table if exists ops.pull_page")
    op.execute("drop table if exists ops.pull_watermark")
