"""Landing hardening (issues 7 and 8): ledger columns and tables for crash-safe, checked-once deliveries.

- ops.delivery.checked_at: set in the same transaction as a batch's quality results; the check
  runs on every batch where it is null, so a crash between landing and checking (or during the
  check) never leaves a batch unchecked, and a batch is never checked twice;
- ops.delivery status 'held' (with held_reason): a delivery that failed the structural checks
  (required columns, row-count plausibility) lands in raw for the steward but supersedes nothing
  and is not read by staging until released;
- ops.landing_finding: what landing noticed about single rows without failing the delivery
  (a short CSV row padded with empty values);
- ops.unrecognised_file: files in the landing root no catalog pattern takes, for the steward of
  the folder they were found in;
- ops.is_valid_date(text, format): a calendar check for delivered dates, used by the suites.

Revision ID: 0003_landing
"""

from alembic import op

revision = "0003_landing"
down_revision = "0002_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        alter table ops.delivery add column checked_at timestamptz;
        alter table ops.delivery add column held_reason text;
        update ops.delivery d set checked_at = coalesce(d.landed_at, now())
         where exists (select 1 from ops.quality_result r where r.batch_id = d.batch_id);
        alter table ops.delivery drop constraint delivery_status_check;
        alter table ops.delivery add constraint delivery_status_check
            check (status in ('landing', 'landed', 'superseded', 'held', 'failed'));
        create index delivery_unchecked_ix on ops.delivery (feed)
            where checked_at is null and status in ('landed', 'superseded', 'held');
        comment on column ops.delivery.checked_at is
            'When the quality check of this batch was recorded (null: still to check).';
        comment on column ops.delivery.held_reason is
            'Why a delivery is held for the steward (status held): it supersedes nothing until released.';

        create table ops.landing_finding (
            finding_id   bigserial primary key,
            batch_id     text not null references ops.delivery (batch_id),
            feed         text not null,
            raw_table    text not null,
            source_file  text not null,
            source_row   integer not null,
            field        text,
            finding      text not null,
            detail       text not null,
            found_at     timestamptz not null default now()
        );
        create index landing_finding_batch_ix on ops.landing_finding (batch_id);
        comment on table ops.landing_finding is
            'Row-level observations of landing that did not fail the delivery (the row is in raw).';

        create table ops.unrecognised_file (
            source_file  text primary key,
            folder       text not null,
            feed         text,
            reason       text not null,
            size_bytes   bigint,
            first_seen   timestamptz not null default now(),
            last_seen    timestamptz not null default now()
        );
        comment on table ops.unrecognised_file is
            'Files in the landing root that no catalog pattern takes (or .ok markers without their file), for the steward of the folder (feed).';

        -- Integer arithmetic only (no make_date/to_date): an impossible date must give false,
        -- never an error, even when the planner folds a constant argument.
        create function ops.is_valid_date(value text, format text) returns boolean
        language sql immutable parallel safe as $$
            select case
                when value is null then null
                when value !~ ('^' || replace(replace(replace(format, 'YYYY', '[0-9]{4}'),
                                'MM', '[0-9]{2}'), 'DD', '[0-9]{2}') || '$') then false
                when substr(value, strpos(format, 'MM'), 2)::int not between 1 and 12 then false
                when strpos(format, 'DD') = 0 then true
                else substr(value, strpos(format, 'DD'), 2)::int between 1 and
                    case substr(value, strpos(format, 'MM'), 2)::int
                        when 2 then case
                            when substr(value, strpos(format, 'YYYY'), 4)::int % 400 = 0 then 29
                            when substr(value, strpos(format, 'YYYY'), 4)::int % 100 = 0 then 28
                            when substr(value, strpos(format, 'YYYY'), 4)::int % 4 = 0 then 29
                            else 28 end
                        when 4 then 30 when 6 then 30 when 9 then 30 when 11 then 30
                        else 31 end
            end
        $$;
        comment on function ops.is_valid_date(text, text) is
            'True when value is a real calendar date written in format (YYYY, MM, DD placeholders).';
        """
    )


def downgrade() -> None:
    op.execute(
        """
        drop function if exists ops.is_valid_date(text, text);
        drop table if exists ops.unrecognised_file;
        drop table if exists ops.landing_finding;
        drop index if exists ops.delivery_unchecked_ix;
        update ops.delivery set status = 'failed' where status = 'held';
        alter table ops.delivery drop constraint delivery_status_check;
        alter table ops.delivery add constraint delivery_status_check
            check (status in ('landing', 'landed', 'superseded', 'failed'));
        alter table ops.delivery drop column held_reason;
        alter table ops.delivery drop column checked_at;
        """
    )
