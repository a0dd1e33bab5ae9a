-- ID-number functions shared by dbt models and quality checks; fupin/ids.py is the same logic
-- in Python and tests/test_warehouse.py keeps the two in agreement. They run once per row of
-- every delivered file: no exception blocks (a subtransaction per call) and PL/pgSQL where a
-- SQL body would be re-planned per call (measured: 8 ms a call; now microseconds).
create or replace function ops.id_check_digit(first17 text) returns text
language sql immutable parallel safe as $$
    select substr('10X98765432', (
        substr(first17, 1, 1)::int * 7 + substr(first17, 2, 1)::int * 9 + substr(first17, 3,
        1)::int * 10 + substr(first17, 4, 1)::int * 5 + substr(first17, 5, 1)::int * 8 +
        substr(first17, 6, 1)::int * 4 + substr(first17, 7, 1)::int * 2 + substr(first17, 8,
        1)::int * 1 + substr(first17, 9, 1)::int * 6 + substr(first17, 10, 1)::int * 3 +
        substr(first17, 11, 1)::int * 7 + substr(first17, 12, 1)::int * 9 + substr(first17, 13,
        1)::int * 10 + substr(first17, 14, 1)::int * 5 + substr(first17, 15, 1)::int * 8 +
        substr(first17, 16, 1)::int * 4 + substr(first17, 17, 1)::int * 2
    ) % 11 + 1, 1)
$$;

create or replace function ops.normalize_id_number(value text) returns text
language plpgsql immutable parallel safe as $$
declare
    v text := upper(replace(btrim(value), ' ', ''));
begin
    if v is null or v = '' then
        return null;
    end if;
    if v ~ '^[0-9]{15}$' then
        v := substr(v, 1, 6) || '19' || substr(v, 7);
        return v || ops.id_check_digit(v);
    end if;
    return v;
end
$$;

-- GB 11643: 17 digits and a check character, a real birth date, the right check character.
create or replace function ops.id_number_is_valid(value text) returns boolean
language plpgsql immutable parallel safe as $$
declare
    n text := ops.normalize_id_number(value);
    y int;
    m int;
    d int;
begin
    if n is null or n !~ '^[0-9]{17}[0-9X]$' then
        return false;
    end if;
    y := substr(n, 7, 4)::int;
    m := substr(n, 11, 2)::int;
    d := substr(n, 13, 2)::int;
    if y < 1 or m not between 1 and 12 or d < 1
       or d > extract(day from make_date(y, m, 1) + interval '1 month - 1 day') then
        return false;
    end if;
    return substr(n, 18, 1) = ops.id_check_digit(substr(n, 1, 17));
end
$$;
