"""Separation of duties: each platform stage acts as its own role with only what it needs."""

from __future__ import annotations

import psycopg2
import pytest

from fupin.privacy.stages import with_role

# one worker builds the shared warehouse (conftest `built`) for all of them
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("privacy_warehouse")]

REFUSED = {
    "fupin_loader": [
        "select * from marts.member limit 1",
        "select * from exchange.outbox limit 1",
        "delete from staging.policy_rules",
    ],
    "fupin_builder": [
        "insert into raw.registry__member (_batch_id) values ('x')",
        "delete from ops.delivery",
        "delete from exchange.outbox",
        "insert into exchange.entity_sequence values ('household', 9)",
    ],
    "fupin_pusher": [
        "select * from raw.registry__member limit 1",
        "select * from marts.member limit 1",
        "delete from ops.delivery",
        "drop table exchange.sync_member",
    ],
}
ALLOWED = {
    "fupin_loader": [
        "select count(*) from raw.registry__member",
        "select count(*) from ops.delivery",
    ],
    "fupin_builder": ["select count(*) from marts.member", "select count(*) from raw.hukou__full"],
    "fupin_pusher": [
        "select count(*) from exchange.sync_member",
        "select count(*) from exchange.outbox",
    ],
}


def run_as(dsn, role, statement):
    conn = psycopg2.connect(with_role(dsn, role))
    try:
        with conn.cursor() as cur:
            cur.execute("select current_user")
            assert cur.fetchone() == (role,)
            cur.execute(statement)
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.parametrize(("role", "statement"), [(r, s) for r, ss in REFUSED.items() for s in ss])
def test_a_stage_cannot_reach_beyond_its_duty(built, role, statement):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        run_as(built.admin_dsn, role, statement)


@pytest.mark.parametrize(("role", "statement"), [(r, s) for r, ss in ALLOWED.items() for s in ss])
def test_a_stage_can_do_its_duty(built, role, statement):
    run_as(built.admin_dsn, role, statement)


def test_marts_and_views_belong_to_the_builder(built):
    conn = psycopg2.connect(built.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select distinct n.nspname, pg_get_userbyid(c.relowner) from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname in ('marts', 'published', 'audit', 'raw')"
                " and c.relkind in ('r', 'v')"
            )
            owners = dict(cur.fetchall())
    finally:
        conn.close()
    assert owners == {
        "marts": "fupin_builder",
        "published": "fupin_builder",
        "audit": "fupin_owner",
        "raw": "fupin_loader",
    }
