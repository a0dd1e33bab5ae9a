"""Return-to-poverty monitoring (issue 14): reserved 户编号 of new monitoring households.

A monitoring object that is not a registered household gets a new 户编号 when it is first found
(policy.md §2): its hukou village code + the next free 8-digit sequence of that village. The
number is reserved here, in a platform table, and not computed by a dbt model: a model is
rebuilt from scratch and could renumber households; this table only grows. dbt's pre-hook on
``int_monitoring__new_households`` (macro ``reserve_household_numbers``) inserts the new
reservations during the build; rows can be neither changed nor deleted, so a number is never
reused and never changes.

Revision ID: 0006_monitoring
"""

from alembic import op

revision = "0006_monitoring"
down_revision = "0005_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        create table ops.household_number (
            household_id        text primary key check (household_id ~ '^[0-9]{20}$'),
            village_code        text not null check (village_code ~ '^[0-9]{12}$'),
            sequence            integer not null check (sequence between 1 and 99999999),
            hukou_household_no  text not null unique,
            reason              text not null,
            reserved_for_as_of  date not null,
            reserved_at         timestamptz not null default now(),
            unique (village_code, sequence),
            check (household_id = village_code || lpad(sequence::text, 8, '0'))
        );
        comment on table ops.household_number is
            'New 户编号 reserved for monitoring objects that are not registered households (policy.md §2): village code + next free 8-digit sequence of the village; append-only, never reused.';
        comment on column ops.household_number.hukou_household_no is
            'The hukou 户号 that identifies the household until it has a 户编号: one number per 户号, for good.';
        comment on column ops.household_number.reserved_for_as_of is
            'The check date of the build that first found the household.';

        create function ops.household_number_is_append_only() returns trigger
        language plpgsql as $$
        begin
            raise exception 'ops.household_number is append-only (% refused): a reserved 户编号 is never changed, deleted or reused',
                tg_op;
        end
        $$;
        create trigger household_number_append_only
            before update or delete on ops.household_number
            for each row execute function ops.household_number_is_append_only();
        create trigger household_number_no_truncate
            before truncate on ops.household_number
            for each statement execute function ops.household_number_is_append_only();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        drop table if exists ops.household_number;
        drop function if exists ops.household_number_is_append_only();
        """
    )
