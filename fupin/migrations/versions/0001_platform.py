"""Platform schemas and the tables the platform owns: delivery ledger, watermarks, quality
results, quarantine, schema drift, audit log. dbt owns staging/intermediate/marts; the
connectors create their raw tables from the feed catalog.

Revision ID: 0001_platform
"""

from pathlib import Path

from alembic import op

revision = "0001_platform"
down_revision = None
branch_labels = None
depends_on = None

SCHEMAS = ("raw", "ops", "staging", "intermediate", "marts", "exchange", "audit")


def upgrade() -> None:
    for schema in SCHEMAS:
        op.execute(f"create schema if not exists {schema}")
    op.execute(
        """
        create table ops.delivery (
            batch_id        text primary key,
            feed            text not null,
            kind            text not null,
            period          text not null,
            scope           text not null default '',
            version         integer not null default 1,
            source_file     text not null,
            content_sha256  text not null,
            size_bytes      bigint not null,
            status          text not null default 'landing'
                            check (status in ('landing', 'landed', 'superseded', 'failed')),
            superseded_by   text references ops.delivery (batch_id),
            rows_received   integer,
            rows_quarantined integer,
            delivered_at    timestamptz not null,
            landed_at       timestamptz,
            error           text
        );
        comment on table ops.delivery is
            'Batch ledger: one row per distinct delivered file. A resend (same content) is not a new batch; a _vN correction supersedes the earlier version of the same feed/kind/period/scope.';
        create unique index delivery_content_uq on ops.delivery (feed, source_file, content_sha256);
        create index delivery_current_ix on ops.delivery (feed, kind, scope, period) where status = 'landed';

        create table ops.delivery_seen (
            feed          text not null,
            source_file   text not null,
            content_sha256 text not null,
            delivered_at  timestamptz not null,
            seen_at       timestamptz not null default now(),
            batch_id      text not null references ops.delivery (batch_id),
            primary key (feed, source_file, delivered_at)
        );
        comment on table ops.delivery_seen is 'Every delivery of a file (by its .ok time), resends that changed nothing included.';

        create table ops.watermark (
            source      text primary key,
            value       text not null,
            updated_at  timestamptz not null default now()
        );

        create table ops.quality_result (
            result_id     bigserial primary key,
            batch_id      text not null references ops.delivery (batch_id),
            raw_table     text not null,
            suite         text not null,
            expectation   text not null,
            column_name   text,
            success       boolean not null,
            unexpected_count bigint not null default 0,
            element_count bigint not null default 0,
            details       jsonb,
            checked_at    timestamptz not null default now()
        );
        create index quality_result_batch_ix on ops.quality_result (batch_id);

        create table ops.quarantine (
            quarantine_id bigserial primary key,
            batch_id      text not null references ops.delivery (batch_id),
            feed          text not null,
            raw_table     text not null,
            source_file   text not null,
            source_row    integer not null,
            field         text,
            value         text,
            rule          text not null,
            reason        text not null,
            status        text not null default 'open' check (status in ('open', 'fixed', 'superseded')),
            quarantined_at timestamptz not null default now(),
            resolved_at   timestamptz,
            resolved_by_batch text references ops.delivery (batch_id)
        );
        comment on table ops.quarantine is
            'Rows kept out of the warehouse, with the reason. The raw row stays in raw.<table> (batch_id, source_row). Staging excludes every (raw_table, batch_id, source_row) listed here.';
        create index quarantine_row_ix on ops.quarantine (raw_table, batch_id, source_row);
        create index quarantine_open_ix on ops.quarantine (feed) where status = 'open';

        create table ops.schema_drift (
            drift_id      bigserial primary key,
            batch_id      text references ops.delivery (batch_id),
            feed          text not null,
            kind          text not null,
            source_file   text not null,
            change        text not null check (change in ('added', 'missing')),
            column_name   text not null,
            detected_at   timestamptz not null default now(),
            acknowledged_at timestamptz
        );
        """
    )
    op.execute((Path(__file__).parent.parent / "sql_functions.sql").read_text(encoding="utf-8"))
    op.execute(
        """
        create table audit.access_log (
            log_id      bigserial primary key,
            at          timestamptz not null default clock_timestamp(),
            who         text not null default session_user,
            action      text not null,
            object      text not null,
            row_count   bigint,
            purpose     text,
            details     jsonb
        );
        comment on table audit.access_log is 'Append-only: every read of unmasked personal data and every export.';
        create function audit.refuse_change() returns trigger language plpgsql as $$
        begin
            raise exception 'audit.access_log is append-only (% refused)', tg_op;
        end $$;
        create trigger access_log_append_only
            before update or delete or truncate on audit.access_log
            for each statement execute function audit.refuse_change();
        """
    )


def downgrade() -> None:
    op.execute("drop schema if exists audit cascade")
    for table in (
        "schema_drift",
        "quarantine",
        "quality_result",
        "watermark",
        "delivery_seen",
        "delivery",
    ):
        op.execute(f"drop table if exists ops.{table} cascade")
    op.execute("drop function if exists ops.id_number_is_valid(text)")
    op.execute("drop function if exists ops.normalize_id_number(text)")
    op.execute("drop function if exists ops.id_check_digit(text)")
