"""Region scope and masking hold for a login that writes its own SQL (issue 11, "Done when").

Every test runs after a second `dbt build` (see conftest): the views, grants and row-level
security were re-applied by the build itself.
"""

from __future__ import annotations

import re

import psycopg2
import pytest
from privacy_helpers import CITY, scenario
from psycopg2 import errors

# one worker builds the shared warehouse (conftest `built`) for all of them
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("privacy_warehouse")]
MASKED_ID = re.compile(r"^\d{6}\*{8}[0-9X]{4}$")
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
INTERNAL_TABLES = [
    "marts.member",
    "marts.household",
    "marts.verification_alert",
    "raw.registry__member",
    "ops.delivery",
    "ops.quarantine",
    "staging.stg_registry__members",
    "intermediate.int_registry__current_members",
    "exchange.sync_member",
    "exchange.outbox",
    "audit.user_scope",
]


def rows(conn, query, *args):
    with conn.cursor() as cur:
        cur.execute(query, args)
        return cur.fetchall()


def refused(conn, query, error=errors.InsufficientPrivilege):
    with pytest.raises(error), conn.cursor() as cur:
        cur.execute(query)


def test_county_user_sees_only_its_county_with_masked_ids(built):
    with built.connect("county") as conn:
        households = rows(conn, "select household_id, county_code from published.household")
        members = rows(conn, "select household_id, id_number from published.member")
    assert households and members
    assert {county for _, county in households} == {scenario.COUNTY}
    assert all(h.startswith(scenario.COUNTY) for h, _ in members)
    assert all(MASKED_ID.match(number) for _, number in members if number and len(number) == 18)
    assert scenario.PAYROLL_ON[:6] + "********" + scenario.PAYROLL_ON[-4:] in {
        number for _, number in members
    }


def test_other_county_rows_are_invisible_even_when_asked_for(built):
    with built.connect("county") as conn:
        assert rows(
            conn,
            "select count(*) from published.household where county_code = %s",
            scenario.OTHER_COUNTY,
        ) == [(0,)]
        assert rows(
            conn,
            "select count(*) from published.member where household_id = %s",
            scenario.H_OTHER,
        ) == [(0,)]
    with built.connect("other_county") as conn:
        assert rows(conn, "select distinct county_code from published.household") == [
            (scenario.OTHER_COUNTY,)
        ]


def test_city_user_sees_its_counties(built):
    with built.connect("city") as conn:
        counties = {
            c for (c,) in rows(conn, "select distinct county_code from published.household")
        }
    assert counties == {scenario.COUNTY, scenario.OTHER_COUNTY}
    assert all(c.startswith(CITY) for c in counties)


def test_sensitive_columns_are_left_out(built):
    with built.connect("province") as conn, conn.cursor() as cur:
        cur.execute("select * from published.household limit 0")
        household = {d.name for d in cur.description}
        cur.execute("select * from published.member limit 0")
        member = {d.name for d in cur.description}
        cur.execute("select * from published.verification_alert limit 0")
        alert = {d.name for d in cur.description}
    assert {"household_id", "county_code", "head_name", "head_id_number"} <= household
    assert not household & {"phone", "bank_account", "bank_name", "head_id_number_raw"}
    assert {"id_number", "name"} <= member
    assert not member & {"health", "id_number_raw", "member_key"}
    assert "evidence" not in alert


def test_no_published_view_shows_a_full_id_number(built):
    with built.connect("province") as conn:
        views = [
            v for (v,) in rows(conn, "select viewname from pg_views where schemaname = 'published'")
        ]
        assert {"household", "member", "verification_alert"} <= set(views)
        for view in views:
            for row in rows(conn, f"select t::text from published.{view} t"):
                assert not FULL_ID.search(row[0]), (view, row[0])


@pytest.mark.parametrize("table", INTERNAL_TABLES)
def test_base_tables_are_refused(built, table):
    with built.connect("county") as conn:
        refused(conn, f"select * from {table} limit 1")


@pytest.mark.parametrize(
    "role", ["province_user", "auditor", "fupin_builder", "fupin_owner", "postgres"]
)
def test_set_role_is_refused(built, role):
    with built.connect("county") as conn:
        refused(conn, f"set role {role}")


def test_security_definer_functions_and_own_views_are_refused(built):
    with built.connect("county") as conn:
        refused(
            conn,
            "create function public.peek() returns setof marts.member language sql"
            " security definer as 'select * from marts.member'",
        )
        refused(conn, "create view public.peek as select * from marts.member")
        refused(conn, "create temporary view peek as select 1")
        refused(conn, "create table public.copy as select * from published.member")
        refused(conn, "select * from audit.read_unmasked('member', '52', 'curious')")


def test_no_scope_no_rows(built):
    """A login of another warehouse (or the platform's admin) has no region here."""
    conn = psycopg2.connect(built.admin_dsn)
    try:
        assert rows(conn, "select count(*) from published.member") == [(0,)]
    finally:
        conn.close()


def test_row_level_security_is_on_every_marts_table(built):
    conn = psycopg2.connect(built.admin_dsn)
    try:
        tables = rows(
            conn,
            "select c.relname, c.relrowsecurity, exists (select 1 from pg_policy p"
            " where p.polrelid = c.oid and p.polname = 'region_scope')"
            " from pg_class c where c.relnamespace = 'marts'::regnamespace and c.relkind = 'r'",
        )
    finally:
        conn.close()
    assert len(tables) >= 3
    assert all(enabled and policy for _, enabled, policy in tables), tables
