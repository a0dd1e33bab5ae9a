"""Personal-information protection (issue 11): roles, login scopes, the audit chain.

- Roles (cluster-wide, so created idempotently and race-safe: many databases share a server):
  the NOLOGIN owner ``fupin_owner``; the platform's stage roles ``fupin_loader``,
  ``fupin_builder``, ``fupin_pusher``; the downstream group roles ``county_user``,
  ``city_user``, ``province_user``, ``steward``, ``auditor``, ``app_readonly``. Logins are made
  members of one group role by ``fupin users add``.
- ``audit.user_scope``: the region (and department) each login is bound to; the published views
  and row-level security read it through ``audit.login_region()``.
- ``audit.access_log`` becomes a hash chain: a trigger owned by ``fupin_owner`` stamps who/when
  and chains each row to the previous one under a lock; the log, its triggers and functions
  belong to ``fupin_owner``, so no platform role can alter or disable them.
- ``audit.read_unmasked``: the auditor's only unmasked read, logged with its purpose.
- ``audit.steward_quarantine``: a steward's open quarantine rows of their department, logged.

Grants on tables created later (raw tables, dbt models) are applied by
``fupin.privacy.grants`` and the dbt macro ``apply_privacy`` (on-run-end).

Revision ID: 0005_privacy
"""

from alembic import op

revision = "0005_privacy"
down_revision = "0004_pulls"
branch_labels = None
depends_on = None

PLATFORM_ROLES = ("fupin_owner", "fupin_loader", "fupin_builder", "fupin_pusher")
DOWNSTREAM_ROLES = (
    "county_user",
    "city_user",
    "province_user",
    "steward",
    "auditor",
    "app_readonly",
)

CREATE_ROLE = """
do $$
begin
    if not exists (select 1 from pg_roles where rolname = '{name}') then
        create role {name} nologin;
    end if;
exception
    -- another database's migration created it at the same moment
    when duplicate_object or unique_violation then null;
end $$;
"""

# Membership in the stage roles lets a non-superuser admin login SET ROLE to them.
GRANT_STAGES_TO_ADMIN = """
do $$
begin
    if not (select rolsuper from pg_roles where rolname = current_user) then
        execute format('grant fupin_loader, fupin_builder, fupin_pusher to %I', current_user);
    end if;
end $$;
"""

SCOPE = r"""
create table audit.user_scope (
    login        text primary key,
    role         text not null check (role in
                 ('county_user', 'city_user', 'province_user', 'steward', 'auditor', 'app_readonly')),
    region_code  text not null check (region_code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$'),
    department   text,
    created_at   timestamptz not null default now(),
    created_by   text not null default session_user,
    disabled_at  timestamptz,
    check ((role = 'steward') = (department is not null))
);
comment on table audit.user_scope is
    'The region (a code prefix) and, for stewards, the department each downstream login is bound to.';

create function audit.login_region() returns text
language sql stable security definer set search_path = pg_catalog as $$
    select region_code from audit.user_scope where login = session_user and disabled_at is null
$$;
comment on function audit.login_region() is
    'The region code prefix of the connected login (NULL, hence no rows, for an unknown login).';

create function audit.login_department() returns text
language sql stable security definer set search_path = pg_catalog as $$
    select department from audit.user_scope where login = session_user and disabled_at is null
$$;
"""

CHAIN = r"""
alter table audit.access_log alter column log_id drop default;
alter table audit.access_log add column prev_hash text, add column row_hash text;
comment on column audit.access_log.row_hash is
    'sha256 over prev_hash and this row''s content (audit.entry_hash): the tamper-evident chain.';

create function audit.entry_hash(
    prev_hash text, log_id bigint, at timestamptz, who text, action text, object text,
    row_count bigint, purpose text, details jsonb
) returns text
language sql immutable set search_path = pg_catalog as $$
    select encode(sha256(convert_to(jsonb_build_array(
        prev_hash, log_id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        who, action, object, row_count, purpose, details
    )::text, 'UTF8')), 'hex')
$$;

create function audit.chain_entry() returns trigger
language plpgsql security definer set search_path = pg_catalog as $$
declare
    previous text;
begin
    if current_setting('transaction_isolation') <> 'read committed' then
        -- the chain must read the latest committed row after taking the lock
        raise exception 'audit entries are written in read committed transactions only';
    end if;
    -- one writer at a time, ids taken under the lock: the chain follows log_id order
    perform pg_advisory_xact_lock(hashtext('fupin audit.access_log chain'));
    new.log_id := nextval('audit.access_log_log_id_seq');
    new.at := clock_timestamp();
    new.who := session_user;
    select row_hash into previous from audit.access_log order by log_id desc limit 1;
    new.prev_hash := coalesce(previous, 'genesis');
    new.row_hash := audit.entry_hash(
        new.prev_hash, new.log_id, new.at, new.who, new.action, new.object, new.row_count,
        new.purpose, new.details
    );
    return new;
end $$;

create trigger access_log_chain before insert on audit.access_log
    for each row execute function audit.chain_entry();
"""

READS = r"""
create function audit.region_column(table_name text) returns text
language sql stable security definer set search_path = pg_catalog as $$
    -- the published tables' region column by convention, most precise first
    select c.column_name::text
    from information_schema.columns c
    join unnest(array['village_code', 'county_code', 'region_code', 'household_id', 'target_code'])
        with ordinality as k (name, rank) on k.name = c.column_name
    where c.table_schema = 'marts' and c.table_name = region_column.table_name
    order by k.rank limit 1
$$;

create function audit.read_unmasked(table_name text, region text, purpose text)
returns setof jsonb
language plpgsql security definer set search_path = pg_catalog as $$
declare
    scope text := audit.login_region();
    region_col text := audit.region_column(table_name);
    n bigint;
begin
    if not pg_has_role(session_user, 'auditor', 'member')
       or not exists (select 1 from audit.user_scope s where s.login = session_user
                      and s.role = 'auditor' and s.disabled_at is null) then
        raise exception 'unmasked reads are for auditor logins only (%)', session_user
            using errcode = '42501';
    end if;
    if coalesce(btrim(purpose), '') = '' then
        raise exception 'an unmasked read needs a purpose' using errcode = '22023';
    end if;
    if region is null or region !~ '^[0-9]{2,12}$' or not region like scope || '%' then
        raise exception 'region % is outside your scope %', region, scope using errcode = '42501';
    end if;
    if to_regclass(format('marts.%I', table_name)) is null then
        raise exception 'no published table marts.%', table_name using errcode = '42P01';
    end if;
    if region_col is null then
        return query execute format('select to_jsonb(t) from marts.%I t', table_name);
    else
        return query execute format(
            'select to_jsonb(t) from marts.%I t where t.%I like $1 || ''%%''', table_name, region_col
        ) using region;
    end if;
    get diagnostics n = row_count;
    insert into audit.access_log (action, object, row_count, purpose, details)
    values ('read_unmasked', 'marts.' || table_name, n, purpose, jsonb_build_object('region', region));
end $$;
comment on function audit.read_unmasked(text, text, text) is
    'The auditor''s unmasked read of a published table within their region, logged with its purpose.';

create function audit.steward_quarantine(purpose text default 'steward page')
returns table (batch_id text, source_file text, source_row integer, field text, value text,
               rule text, reason text, quarantined_at timestamptz)
language plpgsql security definer set search_path = pg_catalog as $$
declare
    department text := audit.login_department();
    n bigint;
begin
    if department is null or not pg_has_role(session_user, 'steward', 'member') then
        raise exception 'quarantine values are for steward logins only (%)', session_user
            using errcode = '42501';
    end if;
    return query
        select q.batch_id, q.source_file, q.source_row, q.field, q.value, q.rule, q.reason,
               q.quarantined_at
        from ops.quarantine q
        where q.feed = department and q.status = 'open'
        order by q.source_file, q.source_row;
    get diagnostics n = row_count;
    insert into audit.access_log (action, object, row_count, purpose, details)
    values ('steward_view', 'ops.quarantine', n, purpose,
            jsonb_build_object('department', department));
end $$;
"""

OWNERSHIP_AND_GRANTS = """
create schema if not exists published;
comment on schema published is
    'Masked, region-scoped views of every marts table (dbt macro apply_privacy, on-run-end).';

alter schema audit owner to fupin_owner;
alter table audit.access_log owner to fupin_owner;
alter table audit.user_scope owner to fupin_owner;
alter sequence audit.access_log_log_id_seq owner to fupin_owner;
alter function audit.refuse_change() owner to fupin_owner;
alter function audit.chain_entry() owner to fupin_owner;
alter function audit.entry_hash(text, bigint, timestamptz, text, text, text, bigint, text, jsonb)
    owner to fupin_owner;
alter function audit.login_region() owner to fupin_owner;
alter function audit.login_department() owner to fupin_owner;
alter function audit.region_column(text) owner to fupin_owner;
alter function audit.read_unmasked(text, text, text) owner to fupin_owner;
alter function audit.steward_quarantine(text) owner to fupin_owner;
alter schema published owner to fupin_owner;

revoke all on all functions in schema audit from public;
grant usage on schema audit to public;
grant execute on function audit.login_region(), audit.login_department(),
    audit.entry_hash(text, bigint, timestamptz, text, text, text, bigint, text, jsonb),
    audit.region_column(text) to public;
grant execute on function audit.read_unmasked(text, text, text) to auditor;
grant execute on function audit.steward_quarantine(text) to steward;
-- Every role may append (who/when/hash are stamped by the trigger); only auditors read.
grant insert (action, object, row_count, purpose, details) on audit.access_log to public;
grant select on audit.access_log to auditor;
grant select (log_id, at, who, action, object, row_count, purpose, details, prev_hash, row_hash)
    on audit.access_log to fupin_loader, fupin_builder, fupin_pusher;

grant usage on schema published to county_user, city_user, province_user, app_readonly, auditor,
    steward;
grant usage, create on schema published to fupin_builder;
"""


def upgrade() -> None:
    for role in (*PLATFORM_ROLES, *DOWNSTREAM_ROLES):
        op.execute(CREATE_ROLE.format(name=role))
    op.execute(GRANT_STAGES_TO_ADMIN)
    op.execute(SCOPE)
    op.execute(CHAIN)
    op.execute(READS)
    op.execute(OWNERSHIP_AND_GRANTS)
    # No one but the platform creates objects, temporary ones included (a county login could
    # otherwise define a view or function of its own).
    op.execute("revoke create on schema public from public")
    op.execute(
        "do $$ begin execute format('revoke temporary on database %I from public',"
        " current_database()); execute format('grant temporary on database %I to"
        " fupin_loader, fupin_builder, fupin_pusher', current_database()); end $$"
    )


def downgrade() -> None:
    # Roles are shared by every database on the server: they stay.
    op.execute(
        """
        drop schema if exists published cascade;
        drop function if exists audit.steward_quarantine(text);
        drop function if exists audit.read_unmasked(text, text, text);
        drop function if exists audit.region_column(text);
        drop trigger if exists access_log_chain on audit.access_log;
        drop function if exists audit.chain_entry();
        drop function if exists audit.entry_hash(
            text, bigint, timestamptz, text, text, text, bigint, text, jsonb);
        alter table audit.access_log drop column if exists prev_hash,
            drop column if exists row_hash;
        alter table audit.access_log alter column log_id
            set default nextval('audit.access_log_log_id_seq');
        drop function if exists audit.login_department();
        drop function if exists audit.login_region();
        drop table if exists audit.user_scope;
        """
    )
