"""The national push's own tables (schema exchange; docs/national-exchange.md).

- record_state: per entity + key, the province's content hash and version, what was last sent
  and what the national system last accepted;
- outbox: operations to send (at most one open per key);
- batch / receipt: every batch sent, its exact body (a retry re-sends the same bytes), its answer;
- rejection / held: records the national system did not apply, and why;
- entity_sequence: the next batch sequence per entity.
The sync_* tables in the same schema belong to dbt; the push only reads them.

Revision ID: 0002_exchange
"""

from alembic import op

revision = "0002_exchange"
down_revision = "0001_platform"
branch_labels = None
depends_on = None

TABLES = ("held", "rejection", "receipt", "outbox", "batch", "record_state", "entity_sequence")


def upgrade() -> None:
    op.execute(
        """
        create schema if not exists exchange;

        create sequence exchange.record_version_seq;
        comment on sequence exchange.record_version_seq is
            'Versions sent to the national system: a new value each time a record of the province changes (content, deletion, reappearance).';

        create table exchange.entity_sequence (
            entity          text primary key,
            next_sequence   integer not null default 1 check (next_sequence >= 1)
        );
        comment on table exchange.entity_sequence is
            'Next batch sequence per entity (the national system counts accepted batches per sender and entity, from 1, without gaps).';

        create table exchange.record_state (
            entity            text not null,
            record_key        text not null,
            household_id      text not null,
            content_hash      text,
            version           bigint not null,
            present           boolean not null,
            changed_at        timestamptz not null default now(),
            sent_version      bigint,
            sent_batch_id     uuid,
            sent_at           timestamptz,
            accepted_op       text check (accepted_op in ('upsert', 'delete')),
            accepted_version  bigint,
            accepted_hash     text,
            accepted_batch_id uuid,
            accepted_at       timestamptz,
            primary key (entity, record_key)
        );
        comment on table exchange.record_state is
            'One row per record the province ever had: its current content hash and version (present = in the sync model), the last version sent, and what the national system accepted (accepted_op upsert = it holds accepted_version of accepted_hash).';
        create index record_state_household_ix on exchange.record_state (household_id);

        create table exchange.batch (
            batch_id      uuid primary key,
            entity        text not null,
            sequence      integer not null,
            record_count  integer not null,
            body          bytea not null,
            body_sha256   text not null,
            status        text not null default 'prepared'
                          check (status in ('prepared', 'sent', 'answered')),
            attempts      integer not null default 0,
            renumbered_from integer,
            created_at    timestamptz not null default now(),
            sent_at       timestamptz,
            answered_at   timestamptz,
            last_error    text
        );
        comment on table exchange.batch is
            'Every batch, with its exact body. prepared/sent = not answered yet: the next push sends the same body again under the same batch_id before anything else.';
        create index batch_unanswered_ix on exchange.batch (entity, sequence) where status <> 'answered';

        create table exchange.outbox (
            outbox_id     bigserial primary key,
            entity        text not null,
            record_key    text not null,
            household_id  text not null,
            op            text not null check (op in ('upsert', 'delete')),
            version       bigint not null,
            data          jsonb,
            content_hash  text,
            status        text not null default 'pending'
                          check (status in ('pending', 'batched', 'accepted', 'rejected', 'held',
                                            'superseded', 'cancelled')),
            batch_id      uuid references exchange.batch (batch_id),
            batch_index   integer,
            created_at    timestamptz not null default now(),
            updated_at    timestamptz not null default now()
        );
        comment on table exchange.outbox is
            'Operations for the national system. Open (pending, batched, held, rejected): at most one per key; a newer change supersedes it. cancelled: a delete of a record the national side never held.';
        create unique index outbox_open_uq on exchange.outbox (entity, record_key)
            where status in ('pending', 'batched', 'held', 'rejected');
        create index outbox_pending_ix on exchange.outbox (entity, op, record_key)
            where status = 'pending';
        create index outbox_batch_ix on exchange.outbox (batch_id, batch_index);

        create table exchange.receipt (
            batch_id      uuid primary key references exchange.batch (batch_id),
            receipt_id    text not null,
            http_status   integer not null,
            accepted      integer not null,
            rejected      integer not null,
            answer        jsonb not null,
            received_at   timestamptz not null default now()
        );

        create table exchange.rejection (
            rejection_id      bigserial primary key,
            batch_id          uuid not null references exchange.batch (batch_id),
            outbox_id         bigint not null references exchange.outbox (outbox_id),
            entity            text not null,
            record_key        text not null,
            version           bigint not null,
            record_index      integer not null,
            code              text not null,
            message           text,
            rejected_at       timestamptz not null default now(),
            resolved_at       timestamptz,
            resolved_by_batch uuid references exchange.batch (batch_id)
        );
        comment on table exchange.rejection is
            'Records the national system rejected (invalid data…). Open until a later version of the record is accepted.';
        create index rejection_open_ix on exchange.rejection (entity, record_key)
            where resolved_at is null;

        create table exchange.held (
            held_id        bigserial primary key,
            batch_id       uuid not null references exchange.batch (batch_id),
            outbox_id      bigint not null references exchange.outbox (outbox_id),
            entity         text not null,
            record_key     text not null,
            household_id   text not null,
            version        bigint not null,
            code           text not null check (code in ('window_closed', 'unknown_household')),
            message        text,
            held_at        timestamptz not null default now(),
            released_at    timestamptz,
            release_reason text
        );
        comment on table exchange.held is
            'Records kept for later: window_closed (sent again when GET /windows says open), unknown_household (sent again once the household is accepted).';
        create index held_open_ix on exchange.held (entity, code) where released_at is null;
        """
    )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"drop table if exists exchange.{table} cascade")
    op.execute("drop sequence if exists exchange.record_version_seq")
