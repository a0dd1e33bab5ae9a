"""``ops.date_from_digits``: the date of eight digits YYYYMMDD, NULL when impossible.

dbt's ``parse_date`` macro (dbt_project/macros/parsing.sql) runs on every row of the largest
feeds (three dates a medical settlement, two a hukou line). As one SQL expression it referred to
the digits about ten times, and each reference re-ran the shape's regex and its ``substr``
calls: about 8 µs a value, a third of a county's medical staging. The macro now tells the
shape with one regex and hands the digits to this function once: about 1 µs a value, the same
dates (an impossible one, 20260231 or year 0000, is NULL).

Revision ID: 0009_date_from_digits
"""

from alembic import op

revision = "0009_date_from_digits"
down_revision = "0008_fast_id_check"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        create or replace function ops.date_from_digits(digits text) returns date
        language plpgsql immutable strict parallel safe as $$
        declare
            y int;
            m int;
            d int;
            last_day int;
        begin
            if octet_length(digits) <> 8 or translate(digits, '0123456789', '') <> '' then
                return null;
            end if;
            y := substr(digits, 1, 4)::int;
            m := substr(digits, 5, 2)::int;
            d := substr(digits, 7, 2)::int;
            last_day := case
                when m = 2 then case when (y % 4 = 0 and y % 100 <> 0) or y % 400 = 0 then 29 else 28 end
                when m in (4, 6, 9, 11) then 30
                else 31
            end;
            if y < 1 or m < 1 or m > 12 or d < 1 or d > last_day then
                return null;
            end if;
            return make_date(y, m, d);
        end
        $$;
        """
    )


def downgrade() -> None:
    op.execute("drop function if exists ops.date_from_digits(text)")
