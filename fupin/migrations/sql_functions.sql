-- ID-number functions shared by dbt models and quality checks; fupin/ids.py is the same logic
-- in Python and tests/test_ids.py keeps the two in agreement.
create or replace function ops.id_check_digit(first17 text) returns text
language sql immutable parallel safe as $$
    select substr('10X98765432',
                  (select sum(substr(first17, i, 1)::int * ((2 ^ (18 - i))::int % 11))
                     from generate_series(1, 17) as i)::int % 11 + 1, 1)
$$;

create or replace function ops.normalize_id_number(value text) returns text
language sql immutable parallel safe as $$
    select case
        when v is null or v = '' then null
        when v ~ '^[0-9]{15}$' then
            substr(v, 1, 6) || '19' || substr(v, 7)
            || ops.id_check_digit(substr(v, 1, 6) || '19' || substr(v, 7))
        else v
    end
    from (select upper(replace(btrim(value), ' ', '')) as v) as cleaned
$$;

create or replace function ops.id_number_is_valid(value text) returns boolean
language plpgsql immutable parallel safe as $$
declare
    n text := ops.normalize_id_number(value);
begin
    if n is null or n !~ '^[0-9]{17}[0-9X]$' then
        return false;
    end if;
    perform make_date(substr(n, 7, 4)::int, substr(n, 11, 2)::int, substr(n, 13, 2)::int);
    return substr(n, 18, 1) = ops.id_check_digit(substr(n, 1, 17));
exception when others then
    return false;
end
$$;
