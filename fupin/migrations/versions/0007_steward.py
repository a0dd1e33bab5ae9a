"""The data stewards' page (issue 12): accounts, corrections, "awaiting a corrected file".

- ``ops.steward_account``: a steward's web login, bound to a department (named by one of its
  feeds, as ``audit.user_scope.department`` is); the password is an scrypt hash; failed logins
  are counted for the rate limit.
- ``ops.steward_correction``: every correction a steward made (who / when / old / new / why),
  and the correction batch that landed it on the next cycle.
- ``ops.delivery.corrects_batch``: a correction batch names the batch whose rows it corrects
  (its raw rows keep that batch's ``_source_file`` and ``_source_row``).
- ``ops.quarantine.awaiting_v2_*``: the steward asked the department for a corrected file.
- ``ops.schema_drift.acknowledged_by``: who acknowledged a drift event.

Revision ID: 0007_steward
"""

from alembic import op

revision = "0007_steward"
down_revision = "0006_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        r"""
        create table ops.steward_account (
            login           text primary key check (login ~ '^[a-z][a-z0-9_]{2,62}$'),
            department      text not null,
            password_hash   text not null,
            created_at      timestamptz not null default now(),
            disabled_at     timestamptz,
            failed_logins   integer not null default 0,
            last_failed_at  timestamptz
        );
        comment on table ops.steward_account is
            'Web logins of the data stewards (fupin steward): department = one feed of it; scrypt password hash; failed logins for the rate limit.';

        create table ops.steward_correction (
            correction_id   bigserial primary key,
            quarantine_id   bigint not null references ops.quarantine (quarantine_id),
            batch_id        text not null references ops.delivery (batch_id),
            feed            text not null,
            raw_table       text not null,
            source_row      integer not null,
            field           text not null,
            old_value       text,
            new_value       text,
            why             text not null check (btrim(why) <> ''),
            steward         text not null references ops.steward_account (login),
            corrected_at    timestamptz not null default now(),
            status          text not null default 'pending'
                            check (status in ('pending', 'landed', 'refused')),
            landed_batch    text references ops.delivery (batch_id),
            refused_reason  text
        );
        comment on table ops.steward_correction is
            'A steward''s correction of one quarantined field: who, when, old and new value, why; landed on the next cycle as a correction batch (landed_batch).';
        create index steward_correction_pending_ix on ops.steward_correction (feed)
            where status = 'pending';

        alter table ops.delivery add column corrects_batch text references ops.delivery (batch_id);
        comment on column ops.delivery.corrects_batch is
            'For a steward correction batch: the batch whose rows it corrects (same _source_row).';
        alter table ops.quarantine add column awaiting_v2_at timestamptz,
            add column awaiting_v2_by text;
        alter table ops.schema_drift add column acknowledged_by text;
        """
    )


def downgrade() -> None:
    op.execute(
        """
        alter table ops.schema_drift drop column if exists acknowledged_by;
        alter table ops.quarantine drop column if exists awaiting_v2_at,
            drop column if exists awaiting_v2_by;
        alter table ops.delivery drop column if exists corrects_batch;
        drop table if exists ops.steward_correction;
        drop table if exists ops.steward_account;
        """
    )
