"""Ownership and privileges of the platform's tables, re-applied after every schema upgrade.

The migration creates the roles; tables appear later (raw tables from the feed catalog, other
issues' migrations), so :func:`apply_platform_grants` runs at the end of
``fupin.warehouse.upgrade`` and is idempotent. Who may do what:

- ``fupin_owner`` (NOLOGIN, nobody logs in as it) owns the platform's schemas, ``ops``, the
  national push's own tables in ``exchange`` and everything in ``audit``;
- ``fupin_loader`` owns the raw tables (it adds columns on schema drift) and writes ``ops``;
- ``fupin_builder`` (dbt) reads ``raw`` and ``ops``, creates and owns what it builds in
  ``staging``, ``intermediate``, ``marts``, ``exchange`` (sync models) and ``published``;
- ``fupin_pusher`` reads the sync models and writes the push's tables in ``exchange``.
Downstream roles get nothing here: they read ``published`` (dbt macro ``apply_privacy``).
"""

from __future__ import annotations

from fupin.privacy.roles import DOWNSTREAM_ROLES, PLATFORM_ROLES

# The dbt models in exchange are the sync_* tables; every other exchange table is the push's.
PLATFORM_SQL = r"""
do $$
declare
    t record;
    schema_name text;
begin
    foreach schema_name in array array['raw', 'ops', 'staging', 'intermediate', 'marts',
                                       'exchange', 'audit', 'published'] loop
        execute format('alter schema %I owner to fupin_owner', schema_name);
    end loop;
    for t in
        select c.relname, n.nspname, c.relkind
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'S')
          and (n.nspname = 'ops' and c.relname not like 'alembic%'
               or n.nspname = 'exchange' and c.relname not like 'sync\_%')
          and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'a'
                          and c.relkind = 'S')
    loop
        execute format('alter table %I.%I owner to fupin_owner', t.nspname, t.relname);
        if t.nspname = 'exchange' and t.relkind <> 'S' then
            execute format('grant select, insert, update, delete on exchange.%I to fupin_pusher',
                           t.relname);
        end if;
    end loop;
    for t in
        select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'raw' and c.relkind in ('r', 'p', 'S')
    loop
        -- the row sequences too: landing numbers rows with nextval and sets them with setval
        execute format('alter %s raw.%I owner to fupin_loader',
                       case t.relkind when 'S' then 'sequence' else 'table' end, t.relname);
    end loop;
    -- what dbt built before the stages had roles becomes the builder's, so it can replace it
    for t in
        select c.relname, n.nspname, c.relkind from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm')
          and (n.nspname in ('staging', 'intermediate', 'marts', 'published')
               or n.nspname = 'exchange' and c.relname like 'sync\_%')
    loop
        execute format('alter %s %I.%I owner to fupin_builder',
                       case t.relkind when 'v' then 'view' when 'm' then 'materialized view'
                       else 'table' end, t.nspname, t.relname);
    end loop;
end $$;

-- tables created later by their stage are readable by the next stage
alter default privileges for role fupin_loader in schema raw
    grant select on tables to fupin_builder;
alter default privileges for role fupin_builder in schema exchange
    grant select on tables to fupin_pusher;

grant usage on schema raw, ops to fupin_loader, fupin_builder, fupin_pusher;
grant create on schema raw to fupin_loader;
grant select, insert, update, delete on all tables in schema ops to fupin_loader;
grant usage, select on all sequences in schema ops to fupin_loader;
grant select on all tables in schema raw, ops to fupin_builder;
grant insert, update on ops.watermark to fupin_builder;
-- new 户编号 are reserved by the build itself (a pre-hook), never updated or deleted
grant insert on ops.household_number to fupin_builder;
grant select on ops.delivery to fupin_pusher;
-- the sync models' output tokens (dbt's build cache): the push compares only what changed
grant select on ops.watermark to fupin_pusher;

grant usage, create on schema staging, intermediate, marts, exchange, published to fupin_builder;
grant usage on schema exchange to fupin_pusher;
grant select on all tables in schema exchange to fupin_pusher;
grant usage, select, update on all sequences in schema exchange to fupin_pusher;
grant select on all tables in schema exchange to fupin_builder;
-- the owner's audited functions read the published tables and the quarantine
grant usage on schema marts to fupin_owner;
"""

REVOKE_DOWNSTREAM_SQL = """
revoke all on schema raw, ops, staging, intermediate, marts, exchange from {roles};
revoke all on all tables in schema raw, ops, staging, intermediate, marts, exchange from {roles};
"""


def apply_platform_grants(conn) -> None:
    """Owners and privileges of every platform table; nothing internal for downstream roles."""
    roles = ", ".join(DOWNSTREAM_ROLES)
    with conn.cursor() as cur:
        cur.execute(PLATFORM_SQL)
        cur.execute(REVOKE_DOWNSTREAM_SQL.format(roles=roles))


__all__ = ["PLATFORM_ROLES", "apply_platform_grants"]
